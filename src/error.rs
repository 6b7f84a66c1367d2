//! One error type for every command, whose `Display` is Redis's exact error text.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmdError {
    WrongType,
    Syntax,
    NotInteger,
    NotFloat,
    Overflow,
    NoSuchKey,
    OutOfRange,
    DbIndexOutOfRange,
    /// A number beyond a C int where Redis reads one (`getIntFromObjectOrReply`).
    IntRange,
    InvalidExpire(&'static str),
    /// Redis's `getTimeoutFromObjectOrReply` failures (CLIENT PAUSE, WAIT).
    TimeoutNotInteger,
    NegativeTimeout,
    BgsaveInProgress,
    WrongArity(String),
    ReadOnly,
    NoAuth,
    /// Any other message, with its code (`ERR ...`, `WRONGPASS ...`, `NOPROTO ...`).
    Msg(String),
}

impl CmdError {
    /// An `ERR`-coded error with a custom text.
    pub fn err(msg: impl Into<String>) -> Self {
        CmdError::Msg(format!("ERR {}", msg.into()))
    }
}

impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmdError::WrongType => f.write_str("WRONGTYPE Operation against a key holding the wrong kind of value"),
            CmdError::Syntax => f.write_str("ERR syntax error"),
            CmdError::NotInteger => f.write_str("ERR value is not an integer or out of range"),
            CmdError::NotFloat => f.write_str("ERR value is not a valid float"),
            CmdError::Overflow => f.write_str("ERR increment or decrement would overflow"),
            CmdError::NoSuchKey => f.write_str("ERR no such key"),
            CmdError::OutOfRange => f.write_str("ERR index out of range"),
            CmdError::DbIndexOutOfRange => f.write_str("ERR DB index is out of range"),
            CmdError::IntRange => {
                f.write_str("ERR value is out of range, value must between -2147483648 and 2147483647")
            }
            CmdError::TimeoutNotInteger => f.write_str("ERR timeout is not an integer or out of range"),
            CmdError::NegativeTimeout => f.write_str("ERR timeout is negative"),
            CmdError::BgsaveInProgress => f.write_str("ERR Background save already in progress"),
            CmdError::InvalidExpire(cmd) => write!(f, "ERR invalid expire time in '{cmd}' command"),
            CmdError::WrongArity(cmd) => write!(f, "ERR wrong number of arguments for '{cmd}' command"),
            CmdError::ReadOnly => f.write_str("READONLY You can't write against a read only replica."),
            CmdError::NoAuth => f.write_str("NOAUTH Authentication required."),
            CmdError::Msg(m) => f.write_str(m),
        }
    }
}

impl CmdError {
    /// The error code Redis counts in INFO errorstats (`errorstat_ERR`, `errorstat_WRONGTYPE`).
    pub fn code(&self) -> String {
        let s = self.to_string();
        s.split(' ').next().unwrap_or("ERR").to_string()
    }
}

pub type CmdResult = Result<(), CmdError>;
