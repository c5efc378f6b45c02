//! The console: lines of q in, the text q's console prints out.
//!
//! A line is evaluated and its value shown as q shows it (nothing for an assignment, for
//! `::` or after a trailing `;`); a line starting with `\` is a system command; `\\`
//! (or `\` alone) ends the session. Errors print as `'text`.

use qport_value::Value;

use crate::eval::Interpreter;
use crate::format;

/// A console session.
#[derive(Default)]
pub struct Console {
    pub interp: Interpreter,
}

/// What one line printed.
#[derive(Debug, Default, PartialEq)]
pub struct Reply {
    /// Standard output: what q code printed, then the line's value.
    pub out: String,
    /// Standard error: an error, as `'text`.
    pub err: String,
    /// The line asked to end the session.
    pub exit: bool,
}

impl Console {
    pub fn new() -> Console {
        Console::default()
    }

    /// Evaluates one console line.
    pub fn line(&mut self, line: &str) -> Reply {
        let line = line.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if trimmed == "\\\\" || trimmed == "\\" {
            return Reply {
                exit: true,
                ..Reply::default()
            };
        }
        let result = match line.strip_prefix('\\') {
            Some(command) => self
                .interp
                .system(command)
                .map(|v| Some(v).filter(|v| *v != Value::IDENTITY))
                .map_err(|e| match e {
                    crate::eval::Interrupt::Error(e) => e,
                    crate::eval::Interrupt::Return(_) => crate::QError::new("return"),
                }),
            None => self.interp.run(line.as_bytes()),
        };
        let mut reply = Reply {
            out: String::from_utf8_lossy(&std::mem::take(&mut self.interp.output)).into_owned(),
            err: String::from_utf8_lossy(&std::mem::take(&mut self.interp.error_output))
                .into_owned(),
            exit: false,
        };
        match result {
            Ok(Some(value)) if value != Value::IDENTITY => {
                let text = format::console(&value);
                if !text.is_empty() {
                    reply.out.push_str(&text);
                    reply.out.push('\n');
                }
            }
            Ok(_) => {}
            Err(e) => {
                reply.err.push('\'');
                reply.err.push_str(e.text());
                reply.err.push('\n');
            }
        }
        reply
    }
}
