//! A small builder for SQL whose WHERE clause depends on the request (list
//! filters). Values are always bound parameters; only fixed fragments
//! written in this layer become SQL text.

use tokio_postgres::types::ToSql;

/// Parameters of a query under construction; [`Params::bind`] returns the
/// placeholder (`$n`) to splice into the text.
#[derive(Default)]
pub struct Params {
    values: Vec<Box<dyn ToSql + Sync + Send>>,
}

impl Params {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value and returns its placeholder.
    pub fn bind(&mut self, v: impl ToSql + Sync + Send + 'static) -> String {
        self.values.push(Box::new(v));
        format!("${}", self.values.len())
    }

    /// The values, as `query` wants them.
    pub fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.values.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect()
    }
}
