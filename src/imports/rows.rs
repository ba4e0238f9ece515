//! Turning one CSV record into a record to write, with the same rules as
//! the API (contacts and companies go through `crm`'s own checks), or into
//! a reason a person can act on, naming the column.
//!
//! Values are read the way exports write them: amounts like `1,500.00`,
//! `1.500,00` or `$1500` (stored in minor units, ×100), dates as
//! `2026-03-01`, `2026/03/01`, `01.03.2026`, `03/01/2026` (month first, as
//! US exports write it; day first when the first number is above 12) or
//! with a time after them, booleans as `true/false/yes/no/1/0`, tags and
//! multi-select values separated by `;`, `,` or `|`, company sizes as a
//! band (`51-200`) or a head count (`120`).

use chrono::NaiveDate;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::fields::CustomDef;
use crate::crm::custom_fields::FieldType;
use crate::db::companies::CompanyValues;
use crate::db::contacts::ContactValues;
use crate::error::ApiError;

/// Why a row is not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub reason: String,
    /// The header of the column at fault, when one is.
    pub column: Option<String>,
}

impl RowError {
    pub fn new(reason: impl Into<String>, column: Option<&str>) -> Self {
        RowError { reason: truncate(reason.into()), column: column.map(str::to_owned) }
    }
}

fn truncate(mut s: String) -> String {
    if s.chars().count() > 900 {
        s = s.chars().take(900).collect::<String>() + "…";
    }
    s
}

/// Which column holds each mapped field.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// (field, column index, header)
    cols: Vec<(String, usize, String)>,
}

impl Columns {
    /// From the headers and the mapping (header -> field).
    pub fn new(headers: &[String], mapping: &Map<String, Value>) -> Self {
        let cols = headers
            .iter()
            .enumerate()
            .filter_map(|(i, h)| mapping.get(h).and_then(Value::as_str).map(|f| (f.to_owned(), i, h.clone())))
            .collect();
        Columns { cols }
    }

    /// The header of the column mapped to `field`.
    pub fn header(&self, field: &str) -> Option<&str> {
        self.cols.iter().find(|c| c.0 == field).map(|c| c.2.as_str())
    }

    /// Whether some column is mapped to `field`.
    pub fn has(&self, field: &str) -> bool {
        self.cols.iter().any(|c| c.0 == field)
    }

    /// The trimmed, non-empty value of `field` in this record.
    pub fn get<'a>(&self, field: &str, rec: &'a [String]) -> Option<&'a str> {
        let (_, i, _) = self.cols.iter().find(|c| c.0 == field)?;
        rec.get(*i).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// The custom field columns: (key, column, header).
    fn custom(&self) -> impl Iterator<Item = (&str, usize, &str)> {
        self.cols.iter().filter_map(|(f, i, h)| f.strip_prefix("custom_fields.").map(|k| (k, *i, h.as_str())))
    }
}

/// What converting a row needs besides the row.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Active members: (id, lowercase email, lowercase name).
    pub members: Vec<(Uuid, String, String)>,
    /// The importing person (default owner); `None` for none.
    pub user_id: Option<Uuid>,
    /// Whether records may be given to others (owners and managers).
    pub edit_any: bool,
    pub custom: Vec<CustomDef>,
    /// The workspace's currency (deals without one).
    pub currency: String,
}

impl Context {
    /// The owner named in the row (email or name of an active member), or
    /// the importing person.
    fn owner(&self, cols: &Columns, rec: &[String]) -> Result<Option<Uuid>, RowError> {
        let Some(v) = cols.get("owner", rec) else { return Ok(self.user_id) };
        let v = v.to_lowercase();
        let found = self.members.iter().find(|m| m.1 == v).or_else(|| self.members.iter().find(|m| m.2 == v));
        let Some((id, _, _)) = found else {
            return Err(RowError::new(
                format!("owner: no active member of this workspace has the email or name `{v}`"),
                cols.header("owner"),
            ));
        };
        if !self.edit_any && Some(*id) != self.user_id {
            return Err(RowError::new(
                "owner: only managers and owners may give records to others",
                cols.header("owner"),
            ));
        }
        Ok(Some(*id))
    }

    /// The custom field values of the row, converted by type and checked.
    fn custom_fields(&self, cols: &Columns, rec: &[String]) -> Result<Map<String, Value>, RowError> {
        let mut out = Map::new();
        for (key, i, header) in cols.custom() {
            let Some(raw) = rec.get(i).map(|s| s.trim()).filter(|s| !s.is_empty()) else { continue };
            let Some(def) = self.custom.iter().find(|d| d.key == key) else {
                return Err(RowError::new(format!("custom field `{key}` is not defined any more"), Some(header)));
            };
            let t = FieldType::parse(&def.field_type).unwrap_or(FieldType::Text);
            let value = custom_value(t, &def.options, raw)
                .and_then(|v| crate::crm::custom_fields::check_value(t, &def.options, &v).map(|_| v))
                .map_err(|why| RowError::new(format!("{}: {why}", def.label), Some(header)))?;
            out.insert(key.to_owned(), value);
        }
        Ok(out)
    }
}

/// A custom field's value from its text.
fn custom_value(t: FieldType, options: &[String], raw: &str) -> Result<Value, String> {
    let option = |s: &str| options.iter().find(|o| o.eq_ignore_ascii_case(s.trim())).cloned();
    Ok(match t {
        FieldType::Text => Value::String(raw.to_owned()),
        FieldType::Number => {
            let n = parse_number(raw).ok_or("must be a number")?;
            if n.fract() == 0.0 && n.abs() < 9e15 {
                Value::from(n as i64)
            } else {
                serde_json::Number::from_f64(n).map(Value::Number).ok_or("must be a finite number")?
            }
        }
        FieldType::Date => Value::String(parse_date(raw).ok_or("must be a date")?.to_string()),
        FieldType::Boolean => Value::Bool(parse_bool(raw).ok_or("must be yes/no, true/false or 1/0")?),
        FieldType::Select => {
            Value::String(option(raw).ok_or_else(|| format!("must be one of: {}", options.join(", ")))?)
        }
        FieldType::MultiSelect => {
            let mut vals: Vec<Value> = Vec::new();
            for part in split_list(raw) {
                let o = option(&part).ok_or_else(|| format!("`{part}` is not one of: {}", options.join(", ")))?;
                if !vals.iter().any(|v| v.as_str() == Some(o.as_str())) {
                    vals.push(Value::String(o));
                }
            }
            Value::Array(vals)
        }
    })
}

/// Maps a field error of the API's checks to the column it came from.
fn from_api(e: ApiError, cols: &Columns) -> RowError {
    match e {
        ApiError::Validation { errors, detail } => match errors.first() {
            Some(f) => {
                let column = cols.header(&f.field).or_else(|| match f.field.as_str() {
                    "first_name" | "last_name" => cols.header("full_name").or(cols.header("email")),
                    "tags" => cols.header("tags"),
                    _ => None,
                });
                RowError::new(format!("{}: {}", f.field, f.message), column)
            }
            None => RowError::new(detail, None),
        },
        other => RowError::new(other.to_string(), None),
    }
}

/// "Ann Marie Lee" -> ("Ann Marie", "Lee"); one word is a first name.
pub fn split_name(full: &str) -> (String, String) {
    let words: Vec<&str> = full.split_whitespace().collect();
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => (rest.join(" "), (*last).to_owned()),
        Some((only, _)) => ((*only).to_owned(), String::new()),
        None => (String::new(), String::new()),
    }
}

/// Items of a list cell: split at `;`, `,` or `|`, trimmed, non-empty.
pub fn split_list(raw: &str) -> Vec<String> {
    raw.split([';', ',', '|']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "x" | "on" => Some(true),
        "false" | "no" | "n" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// A decimal number as exports write it: `1,500.25`, `1.500,25`, `1 500`,
/// `-3`, `$99`, `12 %`.
pub fn parse_number(raw: &str) -> Option<f64> {
    let s: String = raw.chars().filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-')).collect();
    if s.is_empty() || !s.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let (last_dot, last_comma) = (s.rfind('.'), s.rfind(','));
    let normalised = match (last_dot, last_comma) {
        (Some(d), Some(c)) if c > d => s.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => s.replace(',', ""),
        // Only commas: a decimal comma when one comma has 1 or 2 digits after it.
        (None, Some(c)) if s.matches(',').count() == 1 && (1..=2).contains(&(s.len() - c - 1)) => s.replace(',', "."),
        (None, Some(_)) => s.replace(',', ""),
        // Only dots: thousands separators when there are several.
        (Some(_), None) if s.matches('.').count() > 1 => s.replace('.', ""),
        _ => s,
    };
    normalised.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// An amount in minor units (×100), 0 to 10^15.
pub fn parse_amount(raw: &str) -> Option<i64> {
    let n = parse_number(raw)?;
    let minor = (n * 100.0).round();
    (0.0..=1e15).contains(&minor).then_some(minor as i64)
}

/// A calendar date in one of the formats exports use (see the module doc).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    // A date-time: keep the date.
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(d).filter(|d| crate::crm::plausible_year(chrono::Datelike::year(d)));
        }
    }
    let parts: Vec<&str> = s.split(['/', '-']).collect();
    if let [a, b, y] = parts[..] {
        let (a, b, y): (u32, u32, i32) = (a.parse().ok()?, b.parse().ok()?, y.parse().ok()?);
        let y = if y < 100 { 2000 + y } else { y };
        let (m, d) = if a > 12 { (b, a) } else { (a, b) };
        return NaiveDate::from_ymd_opt(y, m, d).filter(|d| crate::crm::plausible_year(chrono::Datelike::year(d)));
    }
    None
}

/// A company size band from a band or a head count.
pub fn parse_size(raw: &str) -> Option<String> {
    let s = raw.trim().replace(' ', "");
    if crate::crm::companies::SIZES.contains(&s.as_str()) {
        return Some(s);
    }
    let n: u64 = s.trim_end_matches('+').replace([',', '.'], "").parse().ok()?;
    Some(
        match n {
            0..=10 => "1-10",
            11..=50 => "11-50",
            51..=200 => "51-200",
            201..=500 => "201-500",
            501..=1000 => "501-1000",
            1001..=5000 => "1001-5000",
            _ => "5000+",
        }
        .to_owned(),
    )
}

/// A contact row: its values (company not linked yet) and the company
/// name it names.
#[derive(Debug, Clone)]
pub struct ContactIn {
    pub values: ContactValues,
    pub company: Option<String>,
}

impl ContactIn {
    /// The key duplicates are found by: the lowercase email.
    pub fn key(&self) -> Option<String> {
        self.values.email.as_ref().map(|e| e.to_lowercase())
    }
}

pub fn contact(cols: &Columns, ctx: &Context, rec: &[String]) -> Result<ContactIn, RowError> {
    let text = |f: &str| cols.get(f, rec).map(str::to_owned);
    let (mut first, mut last) = (text("first_name").unwrap_or_default(), text("last_name").unwrap_or_default());
    if first.is_empty() && last.is_empty() {
        if let Some(full) = cols.get("full_name", rec) {
            (first, last) = split_name(full);
        }
    }
    let tags = match cols.get("tags", rec) {
        Some(t) => crate::crm::normalize_tags("tags", &split_list(t)).map_err(|e| from_api(e, cols))?,
        None => Vec::new(),
    };
    let custom = ctx.custom_fields(cols, rec)?;
    let mut values = ContactValues {
        first_name: first,
        last_name: last,
        email: text("email"),
        phone: text("phone"),
        company_id: None,
        job_title: text("job_title"),
        lead_source: text("lead_source"),
        tags,
        owner_id: ctx.owner(cols, rec)?,
        custom_fields: Value::Object(custom),
    };
    crate::crm::contacts::check_values(&mut values).map_err(|e| from_api(e, cols))?;
    let company = text("company");
    if let Some(c) = &company {
        if c.chars().count() > 200 || c.chars().any(char::is_control) {
            return Err(RowError::new(
                "company: at most 200 characters, without control characters",
                cols.header("company"),
            ));
        }
    }
    Ok(ContactIn { values, company })
}

/// The keys a company's duplicates are found by: lowercase domain and name.
pub fn company_keys(v: &CompanyValues) -> (Option<String>, String) {
    (v.domain.as_ref().map(|d| d.to_lowercase()), v.name.to_lowercase())
}

pub fn company(cols: &Columns, ctx: &Context, rec: &[String]) -> Result<CompanyValues, RowError> {
    let text = |f: &str| cols.get(f, rec).map(str::to_owned);
    let Some(name) = text("name") else {
        return Err(RowError::new("name: a company needs a name", cols.header("name")));
    };
    let size = match cols.get("size", rec) {
        Some(s) => Some(parse_size(s).ok_or_else(|| {
            RowError::new("size: a band such as 51-200 or a number of employees", cols.header("size"))
        })?),
        None => None,
    };
    let renewal_date = match cols.get("renewal_date", rec) {
        Some(s) => {
            Some(parse_date(s).ok_or_else(|| RowError::new("renewal_date: not a date", cols.header("renewal_date")))?)
        }
        None => None,
    };
    let custom = ctx.custom_fields(cols, rec)?;
    let mut v = CompanyValues {
        name,
        domain: text("domain"),
        industry: text("industry"),
        size,
        website: text("website"),
        status: text("status").map(|s| s.to_lowercase()).unwrap_or_else(|| "prospect".into()),
        owner_id: ctx.owner(cols, rec)?,
        renewal_date,
        upsell_opportunity: text("upsell_opportunity"),
        metadata: Value::Object(Map::new()),
        custom_fields: Value::Object(custom),
    };
    crate::crm::companies::check_values(&mut v).map_err(|e| from_api(e, cols))?;
    Ok(v)
}

fn plain(s: &str, max: usize) -> bool {
    s.chars().count() <= max && !s.chars().any(char::is_control)
}

fn long_text(s: &str, max: usize) -> bool {
    s.chars().count() <= max && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// Checks `ok`, or names the field's column.
fn need(ok: bool, cols: &Columns, field: &str, why: &str) -> Result<(), RowError> {
    if ok {
        Ok(())
    } else {
        Err(RowError::new(format!("{field}: {why}"), cols.header(field)))
    }
}

/// Trimmed tags without case-insensitive duplicates (deals and leads keep
/// their tags' case, as their API does), 1 to 50 characters, at most 30.
fn record_tags(cols: &Columns, rec: &[String]) -> Result<Vec<String>, RowError> {
    let mut out: Vec<String> = Vec::new();
    for t in cols.get("tags", rec).map(split_list).unwrap_or_default() {
        need(plain(&t, 50), cols, "tags", "each tag is 1 to 50 characters")?;
        if !out.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    need(out.len() <= 30, cols, "tags", "at most 30 tags")?;
    Ok(out)
}

fn optional_date(cols: &Columns, rec: &[String], field: &str) -> Result<Option<NaiveDate>, RowError> {
    match cols.get(field, rec) {
        Some(s) => {
            parse_date(s).map(Some).ok_or_else(|| RowError::new(format!("{field}: not a date"), cols.header(field)))
        }
        None => Ok(None),
    }
}

/// A lead row, ready for the workspace actor.
pub fn lead(cols: &Columns, ctx: &Context, rec: &[String]) -> Result<pulse_actors::leads::NewLead, RowError> {
    let text = |f: &str| cols.get(f, rec).map(str::to_owned);
    let (mut first, mut last) = (text("first_name").unwrap_or_default(), text("last_name").unwrap_or_default());
    if first.is_empty() && last.is_empty() {
        if let Some(full) = cols.get("full_name", rec) {
            (first, last) = split_name(full);
        }
    }
    let email = text("email");
    need(plain(&first, 100), cols, "first_name", "at most 100 characters")?;
    need(plain(&last, 100), cols, "last_name", "at most 100 characters")?;
    if let Some(e) = &email {
        need(crate::routes::validate::is_email(e), cols, "email", "must be a valid email address")?;
    }
    need(
        !(first.is_empty() && last.is_empty() && email.is_none()),
        cols,
        if cols.has("email") { "email" } else { "first_name" },
        "a lead needs a name or an email",
    )?;
    let phone = text("phone");
    need(phone.as_deref().is_none_or(|p| plain(p, 50)), cols, "phone", "at most 50 characters")?;
    let company_name = text("company_name");
    need(company_name.as_deref().is_none_or(|c| plain(c, 200)), cols, "company_name", "at most 200 characters")?;
    let company_size = match cols.get("company_size", rec) {
        Some(s) => Some(parse_size(s).ok_or_else(|| {
            RowError::new("company_size: a band such as 51-200 or a number of employees", cols.header("company_size"))
        })?),
        None => None,
    };
    let job_title = text("job_title");
    need(job_title.as_deref().is_none_or(|t| plain(t, 200)), cols, "job_title", "at most 200 characters")?;
    let estimated_value = match cols.get("estimated_value", rec) {
        Some(s) => Some(parse_amount(s).ok_or_else(|| {
            RowError::new("estimated_value: an amount from 0, such as 1,500.00", cols.header("estimated_value"))
        })?),
        None => None,
    };
    let source = match cols.get("source", rec) {
        Some(s) => s.to_lowercase().split_whitespace().collect::<Vec<_>>().join("_").replace('-', "_"),
        None => "other".into(),
    };
    let next_action = text("next_action");
    need(next_action.as_deref().is_none_or(|t| long_text(t, 500)), cols, "next_action", "at most 500 characters")?;
    let notes = text("notes");
    need(notes.as_deref().is_none_or(|t| long_text(t, 10_000)), cols, "notes", "at most 10,000 characters")?;
    Ok(pulse_actors::leads::NewLead {
        first_name: first,
        last_name: last,
        email,
        phone,
        company_name,
        company_size,
        job_title,
        estimated_value,
        source,
        owner_id: ctx.owner(cols, rec)?,
        next_action,
        next_action_date: optional_date(cols, rec, "next_action_date")?,
        notes,
        tags: record_tags(cols, rec)?,
        custom_fields: Value::Object(ctx.custom_fields(cols, rec)?),
        external_id: None,
    })
}

/// A deal row: its fields, with the pipeline, stage, contact and company
/// still as the file names them (resolved per chunk).
#[derive(Debug, Clone)]
pub struct DealIn {
    pub title: String,
    pub amount: i64,
    pub currency: String,
    pub pipeline: Option<String>,
    pub stage: Option<String>,
    pub probability: Option<i16>,
    pub expected_close_date: Option<NaiveDate>,
    pub next_action: Option<String>,
    pub next_action_date: Option<NaiveDate>,
    pub owner_id: Option<Uuid>,
    pub contact_email: Option<String>,
    pub company: Option<String>,
    pub tags: Vec<String>,
    pub custom_fields: Value,
}

pub fn deal(cols: &Columns, ctx: &Context, rec: &[String]) -> Result<DealIn, RowError> {
    let text = |f: &str| cols.get(f, rec).map(str::to_owned);
    let Some(title) = text("title") else {
        return Err(RowError::new("title: a deal needs a title", cols.header("title")));
    };
    need(plain(&title, 200), cols, "title", "at most 200 characters, without control characters")?;
    let amount = match cols.get("amount", rec) {
        Some(s) => parse_amount(s)
            .ok_or_else(|| RowError::new("amount: an amount from 0, such as 1,500.00", cols.header("amount")))?,
        None => 0,
    };
    let currency = text("currency").map(|c| c.to_uppercase()).unwrap_or_else(|| ctx.currency.clone());
    need(crate::currencies::is_currency(&currency), cols, "currency", "must be an ISO 4217 code such as EUR")?;
    let probability = match cols.get("probability", rec) {
        Some(s) => Some(
            parse_number(s)
                .filter(|p| (0.0..=100.0).contains(p))
                .map(|p| p.round() as i16)
                .ok_or_else(|| RowError::new("probability: a number from 0 to 100", cols.header("probability")))?,
        ),
        None => None,
    };
    let next_action = text("next_action");
    need(next_action.as_deref().is_none_or(|t| long_text(t, 500)), cols, "next_action", "at most 500 characters")?;
    let contact_email = text("contact_email").map(|e| e.to_lowercase());
    if let Some(e) = &contact_email {
        need(crate::routes::validate::is_email(e), cols, "contact_email", "must be a valid email address")?;
    }
    let company = text("company");
    need(company.as_deref().is_none_or(|c| plain(c, 200)), cols, "company", "at most 200 characters")?;
    Ok(DealIn {
        title,
        amount,
        currency,
        pipeline: text("pipeline"),
        stage: text("stage"),
        probability,
        expected_close_date: optional_date(cols, rec, "expected_close_date")?,
        next_action,
        next_action_date: optional_date(cols, rec, "next_action_date")?,
        owner_id: ctx.owner(cols, rec)?,
        contact_email,
        company,
        tags: record_tags(cols, rec)?,
        custom_fields: Value::Object(ctx.custom_fields(cols, rec)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_amounts_read_like_exports_write_them() {
        let cases = [
            ("1500", Some(150_000)),
            ("1,500.25", Some(150_025)),
            ("1.500,25", Some(150_025)),
            ("$ 2,000", Some(200_000)),
            ("12,5", Some(1_250)),
            ("1.234.567", Some(123_456_700)),
            ("-5", None),
            ("abc", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_amount(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn dates_read_in_common_formats() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let cases = [
            ("2026-03-01", d(2026, 3, 1)),
            ("2026/03/01", d(2026, 3, 1)),
            ("01.03.2026", d(2026, 3, 1)),
            ("03/01/2026", d(2026, 3, 1)),
            ("25/12/2026", d(2026, 12, 25)),
            ("2026-03-01T10:00:00Z", d(2026, 3, 1)),
            ("2026-03-01 10:00", d(2026, 3, 1)),
            ("2026-02-30", None),
            ("soon", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_date(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn names_sizes_and_lists_split() {
        assert_eq!(split_name("Ann Marie Lee"), ("Ann Marie".into(), "Lee".into()));
        assert_eq!(split_name("Cher"), ("Cher".into(), String::new()));
        assert_eq!(parse_size("120").as_deref(), Some("51-200"));
        assert_eq!(parse_size("51-200").as_deref(), Some("51-200"));
        assert_eq!(parse_size("10,000+").as_deref(), Some("5000+"));
        assert_eq!(parse_size("many"), None);
        assert_eq!(split_list("vip; big fish|,b2b"), vec!["vip", "big fish", "b2b"]);
    }
}
