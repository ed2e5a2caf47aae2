//! The route table over the catalog's operations: the method first, then the most specific
//! template (several templates overlap, and placeholder names differ between them).

use super::Operation;
use crate::template::{Params, Template, best_match};

/// What a request's method and path find in the table.
pub(crate) enum Found {
    /// The operation and its decoded path parameters.
    Operation(&'static Operation, Params),
    /// Some operation has this path, none this method: 405.
    WrongMethod,
    /// No operation has this path: 404.
    Nothing,
}

/// Every operation with its parsed template.
pub(crate) struct Table {
    entries: Vec<(Template, &'static Operation)>,
}

impl Table {
    /// Parse every template; an operation whose template does not parse is left out.
    pub(crate) fn new(operations: &'static [Operation]) -> Table {
        let entries = operations
            .iter()
            .filter_map(|op| Template::parse(op.template).ok().map(|t| (t, op)))
            .collect();
        Table { entries }
    }

    pub(crate) fn find(&self, method: &str, raw_path: &str) -> Found {
        let same_method = self
            .entries
            .iter()
            .filter(|(_, op)| op.method.eq_ignore_ascii_case(method))
            .map(|(t, op)| (t, *op));
        if let Some((op, params)) = best_match(same_method, raw_path) {
            return Found::Operation(op, params);
        }
        if self
            .entries
            .iter()
            .any(|(t, _)| t.matches(raw_path).is_some())
        {
            Found::WrongMethod
        } else {
            Found::Nothing
        }
    }

    /// Every operation, in table order.
    pub(crate) fn operations(&self) -> impl Iterator<Item = &'static Operation> + '_ {
        self.entries.iter().map(|(_, op)| *op)
    }

    /// The operation with this id.
    pub(crate) fn operation(&self, id: &str) -> Option<&'static Operation> {
        self.entries
            .iter()
            .map(|(_, op)| *op)
            .find(|op| op.id == id)
    }
}
