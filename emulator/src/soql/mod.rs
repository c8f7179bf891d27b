//! query(): parse the SOQL subset, select visible records, project the fields, render.

mod parse;
mod records;
mod render;

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

/// Runs `soql` as `caller`; the error is the MALFORMED_QUERY message.
pub fn run(world: &World, caller: usize, soql: &str) -> Result<Vec<Row>, String> {
    let q = parse(soql)?;
    let Some(records) = records::visible(world, caller, &q.object) else {
        return Err(format!("sObject type '{}' is not supported.", q.object));
    };
    if let Some(sample) = records.first() {
        for f in q.fields.iter().chain(q.conditions.iter().map(|c| &c.field)) {
            check_path(sample, f)?;
        }
    }
    let rows = records
        .iter()
        .filter(|r| q.conditions.iter().all(|c| matches(r, c)))
        .take(q.limit.unwrap_or(usize::MAX))
        .map(|r| project(r, &q.fields))
        .collect();
    Ok(rows)
}

fn check_path(rec: &Rec, path: &[String]) -> Result<(), String> {
    let Some((_, v)) = rec.get(&path[0]) else {
        return Err(format!(
            "No such column '{}' on entity '{}'.",
            path[0], rec.ty
        ));
    };
    match (v, path.len()) {
        (Val::Ref(_), 1) => Err(format!(
            "'{}' is a relationship on entity '{}': select one of its fields.",
            path[0], rec.ty
        )),
        (Val::Ref(parent), _) => check_path(parent, &path[1..]),
        (_, 1) => Ok(()),
        _ => Err(format!(
            "Didn't understand relationship '{}' in field path.",
            path[0]
        )),
    }
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
