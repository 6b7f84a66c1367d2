//! COMMAND DOCS data of the persistence family, referenced from its rows.

use super::{O1, d};
use crate::command::Doc;

pub const LASTSAVE: Doc = d("server", "1.0.0", O1, "Return the Unix time of the last successful save", "");
