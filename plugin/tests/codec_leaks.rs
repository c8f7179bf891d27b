//! No fixture secret (fixtures/SECRETS.txt) reaches the Debug or Display of anything the codec
//! returns, whatever parser reads whatever fixture.

use sfrpc_plugin::codec::{oauth, rest, soap};
use sfrpc_plugin::HttpResponse;

fn fixtures_dir() -> String {
    format!("{}/../fixtures", env!("CARGO_MANIFEST_DIR"))
}

fn secrets() -> Vec<String> {
    let text =
        std::fs::read_to_string(format!("{}/SECRETS.txt", fixtures_dir())).expect("SECRETS.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn rendered(resp: &HttpResponse) -> Vec<String> {
    let mut out = Vec::new();
    match soap::parse_login(resp) {
        Ok(r) => out.push(format!("{r:?}")),
        Err(e) => out.push(format!("{e} {e:?}")),
    }
    match soap::parse_ack(resp, "logout") {
        Ok(()) => {}
        Err(e) => out.push(format!("{e} {e:?}")),
    }
    out.push(format!(
        "{:?}",
        soap::parse_query(resp).map_err(|e| e.to_string())
    ));
    match oauth::parse_token(resp) {
        Ok(t) => out.push(format!("{t:?}")),
        Err(e) => out.push(format!("{e} {e:?}")),
    }
    match rest::parse_query(resp) {
        Ok(q) => out.push(format!("{q:?}")),
        Err(e) => out.push(format!("{e} {e:?}")),
    }
    out.push(format!("{:?}", rest::parse_password_status(resp)));
    out.push(format!("{:?}", rest::parse_no_content(resp)));
    out
}

#[test]
fn no_secret_in_any_parse_output() {
    let secrets = secrets();
    assert!(secrets.len() >= 6, "SECRETS.txt lists the fixture secrets");
    let mut files = 0;
    for dir in ["soap", "rest", "oauth"] {
        let entries = std::fs::read_dir(format!("{}/{dir}", fixtures_dir())).expect("fixture dir");
        for entry in entries {
            let path = entry.expect("entry").path();
            let body = std::fs::read_to_string(&path).expect("fixture text");
            files += 1;
            for status in [200, 401, 500] {
                let resp = HttpResponse {
                    status,
                    headers: vec![],
                    body: body.clone(),
                };
                for text in rendered(&resp) {
                    for (i, secret) in secrets.iter().enumerate() {
                        assert!(
                            !text.contains(secret.as_str()),
                            "secret #{i} leaked while parsing {} at {status}",
                            path.display()
                        );
                    }
                }
            }
        }
    }
    assert!(files >= 44, "all fixtures were read ({files})");
}
