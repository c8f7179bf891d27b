//! Query results as REST JSON and as a Partner SOAP `queryResponse`.

use std::fmt::Write;

use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

use super::{Col, Row, Val};
use crate::ids;
use crate::soap::xml::esc;

/// A record as REST JSON: `attributes` first, then the columns in SELECT order.
struct JsonRow<'a> {
    row: &'a Row,
    version: &'a str,
}

/// A record's `attributes`.
#[derive(serde::Serialize)]
struct Attributes<'a> {
    #[serde(rename = "type")]
    ty: &'a str,
    url: String,
}

/// A field value as REST JSON.
struct JsonVal<'a>(&'a Val);

impl Serialize for JsonVal<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Val::Null | Val::Ref(_) => s.serialize_none(),
            Val::Bool(b) => s.serialize_bool(*b),
            Val::Str(v) => s.serialize_str(v),
            Val::DateTime(ms) => s.serialize_str(&ids::iso_utc(*ms, true)),
        }
    }
}

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let row = self.row;
        let mut m = s.serialize_map(Some(row.cols.len() + 1))?;
        let url = format!(
            "/services/data/v{}/sobjects/{}/{}",
            self.version, row.ty, row.id
        );
        m.serialize_entry("attributes", &Attributes { ty: row.ty, url })?;
        for col in &row.cols {
            match col {
                Col::Field(n, v) => m.serialize_entry(n, &JsonVal(v))?,
                Col::Rel(n, sub) => {
                    let sub = sub.as_ref().map(|row| JsonRow {
                        row,
                        version: self.version,
                    });
                    m.serialize_entry(n, &sub)?;
                }
            }
        }
        m.end()
    }
}

/// The REST `query` answer: `totalSize`, `done`, `records`, in Salesforce's order.
pub struct QueryJson<'a> {
    rows: &'a [Row],
    version: &'a str,
}

impl Serialize for QueryJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let records: Vec<JsonRow<'_>> = self
            .rows
            .iter()
            .map(|row| JsonRow {
                row,
                version: self.version,
            })
            .collect();
        let mut st = s.serialize_struct("QueryResult", 3)?;
        st.serialize_field("totalSize", &self.rows.len())?;
        st.serialize_field("done", &true)?;
        st.serialize_field("records", &records)?;
        st.end()
    }
}

/// The REST `query` answer for `rows`.
pub fn to_json<'a>(rows: &'a [Row], version: &'a str) -> QueryJson<'a> {
    QueryJson { rows, version }
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
