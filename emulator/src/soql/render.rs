//! Query results as REST JSON and as a Partner SOAP `queryResponse`.

use std::fmt::Write;

use serde_json::{json, Map, Value};

use super::{Col, Row, Val};
use crate::ids;
use crate::soap::xml::esc;

fn json_row(row: &Row, version: &str) -> Value {
    let mut m = Map::new();
    m.insert(
        "attributes".into(),
        json!({"type": row.ty, "url": format!("/services/data/v{version}/sobjects/{}/{}", row.ty, row.id)}),
    );
    for col in &row.cols {
        match col {
            Col::Field(n, v) => {
                let v = match v {
                    Val::Null | Val::Ref(_) => Value::Null,
                    Val::Bool(b) => Value::Bool(*b),
                    Val::Str(s) => Value::String(s.clone()),
                    Val::DateTime(ms) => Value::String(ids::iso_utc(*ms, true)),
                };
                m.insert((*n).to_string(), v);
            }
            Col::Rel(n, sub) => {
                let v = sub.as_ref().map_or(Value::Null, |r| json_row(r, version));
                m.insert((*n).to_string(), v);
            }
        }
    }
    Value::Object(m)
}

/// The REST `query` answer.
pub fn to_json(rows: &[Row], version: &str) -> Value {
    let records: Vec<Value> = rows.iter().map(|r| json_row(r, version)).collect();
    json!({"totalSize": rows.len(), "done": true, "records": records})
}

fn soap_cols(out: &mut String, row: &Row) {
    let _ = write!(out, "<sf:type>{}</sf:type>", row.ty);
    if row.id_selected {
        let _ = write!(out, "<sf:Id>{}</sf:Id>", row.id);
    } else {
        out.push_str(r#"<sf:Id xsi:nil="true"/>"#);
    }
    for col in &row.cols {
        match col {
            Col::Field(n, v) => match v {
                Val::Null | Val::Ref(_) => {
                    let _ = write!(out, r#"<sf:{n} xsi:nil="true"/>"#);
                }
                Val::Bool(b) => {
                    let _ = write!(out, "<sf:{n}>{b}</sf:{n}>");
                }
                Val::Str(s) => {
                    let _ = write!(out, "<sf:{n}>{}</sf:{n}>", esc(s));
                }
                Val::DateTime(ms) => {
                    let _ = write!(out, "<sf:{n}>{}</sf:{n}>", ids::iso_utc(*ms, false));
                }
            },
            Col::Rel(n, None) => {
                let _ = write!(out, r#"<sf:{n} xsi:nil="true"/>"#);
            }
            Col::Rel(n, Some(sub)) => {
                let _ = write!(out, r#"<sf:{n} xsi:type="sf:sObject">"#);
                soap_cols(out, sub);
                let _ = write!(out, "</sf:{n}>");
            }
        }
    }
}

/// The SOAP `queryResponse` body element.
pub fn to_soap(rows: &[Row]) -> String {
    let mut out = String::from(
        r#"<queryResponse><result xsi:type="QueryResult"><done>true</done><queryLocator xsi:nil="true"/>"#,
    );
    for row in rows {
        out.push_str(r#"<records xsi:type="sf:sObject">"#);
        soap_cols(&mut out, row);
        out.push_str("</records>");
    }
    let _ = write!(out, "<size>{}</size></result></queryResponse>", rows.len());
    out
}
