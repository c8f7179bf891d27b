//! The SOAP operations: login, logout, changeOwnPassword, setPassword, resetPassword,
//! getUserInfo, query.

use super::write::{self, client_fault, fault, limit_info, FaultType};
use super::{api_fault, login_fault, password_fault, SoapCall};
use crate::ctx::Ctx;
use crate::messages as msg;
use crate::reply::Reply;
use crate::state::{ApiCaller, LoginChannel, World};
use crate::version::{CHANGE_OWN_PASSWORD_FROM, NO_LOGIN_FROM};
use crate::{soql, version::ApiVersion};

/// Runs a parsed SOAP call against the world.
pub fn execute(world: &mut World, ctx: &Ctx, call: &SoapCall) -> Reply {
    if !call.version.supported() {
        return unsupported_version(call.flavor);
    }
    match call.op.as_str() {
        "login" => login(world, ctx, call),
        "logout" => match world.logout(ctx.realm, call.session.as_deref()) {
            Ok(()) => write::ok(call.flavor, None, "<logoutResponse/>", false),
            Err(r) => api_fault(call.flavor, r),
        },
        "changeOwnPassword" if call.version.major >= CHANGE_OWN_PASSWORD_FROM => {
            with_session(world, ctx, call, true, |world, caller| {
                let old = call.body.child_text("oldPassword").unwrap_or_default();
                let new = call.body.child_text("newPassword").unwrap_or_default();
                world
                    .change_own_password(caller, old, new)
                    .map(|()| {
                        "<changeOwnPasswordResponse><result/></changeOwnPasswordResponse>".into()
                    })
                    .map_err(|e| password_fault(call.flavor, &e))
            })
        }
        "setPassword" => with_session(world, ctx, call, true, |world, caller| {
            let id = call.body.child_text("userId").unwrap_or_default();
            let new = call.body.child_text("password").unwrap_or_default();
            world
                .set_password(caller, id, new)
                .map(|()| "<setPasswordResponse><result/></setPasswordResponse>".into())
                .map_err(|e| password_fault(call.flavor, &e))
        }),
        "resetPassword" => with_session(world, ctx, call, true, |world, caller| {
            let id = call.body.child_text("userId").unwrap_or_default();
            world
                .reset_password(caller, id)
                .map(|p| {
                    let p = super::xml::esc(&p).into_owned();
                    format!("<resetPasswordResponse><result><password>{p}</password></result></resetPasswordResponse>")
                })
                .map_err(|e| password_fault(call.flavor, &e))
        }),
        "getUserInfo" => with_session(world, ctx, call, false, |world, caller| {
            let info = super::login::user_info(world, caller.user);
            Ok(format!(
                "<getUserInfoResponse><result>{info}</result></getUserInfoResponse>"
            ))
        }),
        "query" => with_session(world, ctx, call, false, |world, caller| {
            let soql = call.body.child_text("queryString").unwrap_or_default();
            soql::run(world, caller.user, soql)
                .map(|rows| soql::to_soap(&rows))
                .map_err(|e| {
                    let ty = match e.code {
                        "INVALID_FIELD" => FaultType::InvalidField,
                        "INVALID_TYPE" => FaultType::InvalidSObject,
                        _ => FaultType::MalformedQuery,
                    };
                    fault(call.flavor, e.code, &e.message, ty)
                })
        }),
        other => client_fault(&format!(
            "No operation available for request {{{}}}{other}",
            call.flavor.ns()
        )),
    }
}

/// HTTP 500 UNSUPPORTED_API_VERSION.
pub fn unsupported_version(flavor: write::Flavor) -> Reply {
    fault(
        flavor,
        "UNSUPPORTED_API_VERSION",
        msg::UNSUPPORTED_VERSION,
        FaultType::UnexpectedError,
    )
}

fn login(world: &mut World, ctx: &Ctx, call: &SoapCall) -> Reply {
    let v: &ApiVersion = &call.version;
    if v.major >= NO_LOGIN_FROM {
        let m = msg::login_not_in_version(&v.text);
        return fault(
            call.flavor,
            "INVALID_OPERATION",
            &m,
            FaultType::UnexpectedError,
        );
    }
    let username = call.body.child_text("username").unwrap_or_default();
    let password = call.body.child_text("password").unwrap_or_default();
    let scope = call.scope_org.as_deref();
    match world.login(ctx.realm, LoginChannel::Soap, username, password, scope) {
        Ok(ok) => {
            let authority = ctx.authority_of(world, ok.user);
            let body = super::login::login_response(
                world,
                call.flavor,
                &v.text,
                &authority,
                ok.user,
                &ok.session_id,
                ok.password_expired,
            );
            write::ok(call.flavor, None, &body, false)
        }
        Err(r) => login_fault(call.flavor, r),
    }
}

fn with_session(
    world: &mut World,
    ctx: &Ctx,
    call: &SoapCall,
    restricted_ok: bool,
    op: impl FnOnce(&mut World, ApiCaller) -> Result<String, Reply>,
) -> Reply {
    let caller = match world.api_session(ctx.realm, call.session.as_deref(), restricted_ok) {
        Ok(c) => c,
        Err(r) => return api_fault(call.flavor, r),
    };
    match op(world, caller) {
        Ok(body) => {
            let org = &world.orgs[world.users[caller.user].org];
            let header = limit_info(org.requests, org.file.request_limit_per_day);
            let sobjects = call.op == "query";
            write::ok(call.flavor, Some(&header), &body, sobjects)
        }
        Err(reply) => reply,
    }
}
