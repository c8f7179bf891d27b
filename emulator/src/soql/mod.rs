//! query(): parse the SOQL subset, select visible records, project the fields, render.

mod parse;
mod records;
mod render;
mod schema;

pub use parse::{parse, Literal};
pub use records::{Rec, Val};
pub use render::{to_json, to_soap};

use crate::ids;
use crate::state::World;

/// A projected row: the record's type and id, and the selected columns in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// sObject type.
    pub ty: &'static str,
    /// 18-character id.
    pub id: String,
    /// Whether `Id` itself was selected at this level.
    pub id_selected: bool,
    /// Columns.
    pub cols: Vec<Col>,
}

/// A selected column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Col {
    /// A plain field.
    Field(&'static str, Val),
    /// A parent relationship with its own selected columns (None: null parent).
    Rel(&'static str, Option<Row>),
}

/// Why a query was refused: the exception code and Salesforce's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// `MALFORMED_QUERY`, `INVALID_FIELD` or `INVALID_TYPE`.
    pub code: &'static str,
    /// The message, with the `ERROR at Row:…:Column:…` pointer when Salesforce gives one.
    pub message: String,
}

impl QueryError {
    fn malformed(message: String) -> QueryError {
        QueryError {
            code: "MALFORMED_QUERY",
            message,
        }
    }
}

/// Runs `soql` as `caller`.
pub fn run(world: &World, caller: usize, soql: &str) -> Result<Vec<Row>, QueryError> {
    let q = parse(soql).map_err(QueryError::malformed)?;
    let Some(object) = schema::object(&q.object) else {
        return Err(QueryError {
            code: "INVALID_TYPE",
            message: schema::pointed(
                soql,
                &q.object,
                &format!(
                    "sObject type '{}' is not supported. If you are attempting to use a custom \
                     object, be sure to append the '__c' after the entity name. Please reference \
                     your WSDL or the describe call for the appropriate names.",
                    q.object
                ),
            ),
        });
    };
    for f in q.fields.iter().chain(q.conditions.iter().map(|c| &c.field)) {
        schema::check_path(object, f).map_err(|message| QueryError {
            code: "INVALID_FIELD",
            message: schema::pointed(soql, &f.join("."), &message),
        })?;
    }
    let records = records::visible(world, caller, object.name).unwrap_or_default();
    let rows = records
        .iter()
        .filter(|r| q.conditions.iter().all(|c| matches(r, c)))
        .take(q.limit.unwrap_or(usize::MAX))
        .map(|r| project(r, &q.fields))
        .collect();
    Ok(rows)
}

fn lookup<'a>(rec: &'a Rec, path: &[String]) -> Option<&'a Val> {
    let (_, v) = rec.get(&path[0])?;
    match v {
        Val::Ref(parent) if path.len() > 1 => lookup(parent, &path[1..]),
        _ if path.len() == 1 => Some(v),
        _ => None,
    }
}

fn matches(rec: &Rec, c: &parse::Condition) -> bool {
    let is_id = c
        .field
        .last()
        .is_some_and(|n| n.to_ascii_lowercase().ends_with("id"));
    let hit = match (lookup(rec, &c.field), &c.value) {
        (Some(Val::Null) | None, Literal::Null) => true,
        (Some(Val::Str(a)), Literal::Str(b)) if is_id => ids::same_id(a, b),
        (Some(Val::Str(a)), Literal::Str(b)) => a.to_lowercase() == b.to_lowercase(),
        (Some(Val::Bool(a)), Literal::Bool(b)) => a == b,
        _ => false,
    };
    hit == c.equals
}

fn project(rec: &Rec, fields: &[Vec<String>]) -> Row {
    let mut row = Row {
        ty: rec.ty,
        id: rec.id.clone(),
        id_selected: false,
        cols: Vec::new(),
    };
    for path in fields {
        let Some((name, v)) = rec.get(&path[0]) else {
            continue;
        };
        if name == "Id" && path.len() == 1 {
            row.id_selected = true;
        }
        match v {
            Val::Ref(parent) if path.len() > 1 => {
                let sub = project(parent, &[path[1..].to_vec()]);
                match row
                    .cols
                    .iter_mut()
                    .find(|c| matches!(c, Col::Rel(n, _) if *n == name))
                {
                    Some(Col::Rel(_, Some(existing))) => {
                        existing.id_selected |= sub.id_selected;
                        existing.cols.extend(sub.cols);
                    }
                    _ => row.cols.push(Col::Rel(name, Some(sub))),
                }
            }
            _ => {
                let dup = row
                    .cols
                    .iter()
                    .any(|c| matches!(c, Col::Field(n, _) if *n == name));
                if !dup {
                    row.cols.push(Col::Field(name, v.clone()));
                }
            }
        }
    }
    row
}
