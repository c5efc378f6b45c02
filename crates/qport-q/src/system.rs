//! System commands: `\P`, `\c`, `\t`, `\ts`, `\l`, `\d`, `\v`, as typed at the console
//! after a backslash or given to `system`.

use std::sync::OnceLock;
use std::time::Instant;

use qport_value::{Symbol, Value, Vector};

use crate::error::QError;
use crate::eval::{Eval, Interpreter};
use crate::format;

/// How `\ts` measures space: the program's allocator counts the bytes it holds.
pub struct SpaceMeter {
    /// Starts a measurement: resets the peak to what is held now, and returns that.
    pub start: fn() -> usize,
    /// The most bytes held since the last `start`.
    pub peak: fn() -> usize,
}

static SPACE_METER: OnceLock<SpaceMeter> = OnceLock::new();

/// Gives `\ts` its measure of space (once per process; the binary does it).
pub fn set_space_meter(meter: SpaceMeter) {
    let _ = SPACE_METER.set(meter);
}

impl Interpreter {
    /// Runs a system command (the text after `\`); gives its value (`::` for those that
    /// only act).
    pub fn system(&mut self, command: &str) -> Eval {
        // A comment after the command (` / ...`) is not part of it.
        let command = match command.find(" /") {
            Some(at) => &command[..at],
            None => command,
        }
        .trim();
        let (name, arg) = match command.find([' ', ':']) {
            Some(i) if command.as_bytes()[i] == b' ' => (&command[..i], command[i + 1..].trim()),
            Some(i) => (&command[..i], &command[i..]),
            None => (command, ""),
        };
        match name {
            "P" => {
                if arg.is_empty() {
                    return Ok(Value::Int(format::precision() as i32));
                }
                let p: usize = arg.parse().map_err(|_| QError::type_())?;
                format::set_precision(p.min(17));
                Ok(Value::IDENTITY)
            }
            "c" => {
                if arg.is_empty() {
                    let (rows, cols) = format::console_size();
                    return Ok(Value::LongVector(Vector::from(vec![
                        rows as i64,
                        cols as i64,
                    ])));
                }
                let numbers: Vec<usize> = arg
                    .split_whitespace()
                    .map(|n| n.parse().map_err(|_| QError::type_()))
                    .collect::<Result<_, _>>()?;
                let [rows, cols] = numbers[..] else {
                    return Err(QError::length().into());
                };
                format::set_console_size(rows.clamp(10, 2000), cols.clamp(10, 2000));
                Ok(Value::IDENTITY)
            }
            "t" | "ts" => {
                // \t expr, \t:n expr
                let (repeat, expr) = match arg.strip_prefix(':') {
                    Some(rest) => {
                        let (n, expr) = rest.split_once(' ').ok_or_else(QError::parse)?;
                        (n.parse::<u64>().map_err(|_| QError::type_())?, expr)
                    }
                    None => (1, arg),
                };
                let meter = SPACE_METER.get().filter(|_| name == "ts");
                if name == "ts" && meter.is_none() {
                    // Space is measured by the program's allocator; without one, say so
                    // rather than report a made-up number.
                    return Err(QError::nyi().into());
                }
                let base = meter.map(|m| (m.start)());
                let start = Instant::now();
                for _ in 0..repeat.max(1) {
                    self.run(expr.as_bytes())?;
                }
                let ms = start.elapsed().as_millis() as i64;
                Ok(match (meter, base) {
                    (Some(m), Some(base)) => {
                        let bytes = (m.peak)().saturating_sub(base) as i64;
                        Value::from(vec![ms, bytes])
                    }
                    _ => Value::Long(ms),
                })
            }
            "l" => {
                let text = std::fs::read(arg).map_err(|_| QError::new(arg))?;
                self.load_script(&text)?;
                Ok(Value::IDENTITY)
            }
            "d" => {
                if arg.is_empty() {
                    let ns = if self.namespace.is_empty() {
                        Symbol::new(".")
                    } else {
                        self.namespace
                    };
                    return Ok(Value::Symbol(ns));
                }
                self.namespace = if arg == "." {
                    Symbol::empty()
                } else {
                    Symbol::new(arg)
                };
                Ok(Value::IDENTITY)
            }
            "v" => Ok(Value::SymbolVector(Vector::from(self.variables()))),
            "S" => {
                if arg.is_empty() {
                    return Ok(Value::Long(crate::verbs::list::seed()));
                }
                let seed: i64 = arg.parse().map_err(|_| QError::type_())?;
                crate::verbs::list::set_seed(seed);
                Ok(Value::IDENTITY)
            }
            _ => Err(QError::nyi().into()),
        }
    }

    /// Loads a script: statements are lines, and a line starting with whitespace
    /// continues the one before; `/` alone on a line opens a comment block that `\`
    /// alone closes, and `\` alone outside one ends the script.
    pub fn load_script(&mut self, text: &[u8]) -> Eval<()> {
        for statement in script_statements(text) {
            if let Some(command) = statement.strip_prefix('\\') {
                self.system(command)?;
            } else {
                self.run(statement.as_bytes())?;
            }
        }
        Ok(())
    }

    /// The names of the globals in the current namespace, sorted.
    fn variables(&self) -> Vec<Symbol> {
        let mut names: Vec<Symbol> = self
            .global_names()
            .filter(|name| {
                let text = name.as_bytes();
                if self.namespace.is_empty() {
                    !text.contains(&b'.')
                } else {
                    let ns = self.namespace.as_bytes();
                    text.len() > ns.len() + 1 && text.starts_with(ns) && text[ns.len()] == b'.'
                }
            })
            .map(|name| {
                let text = name.as_bytes();
                let skip = if self.namespace.is_empty() {
                    0
                } else {
                    self.namespace.len() + 1
                };
                Symbol::new(&text[skip..])
            })
            .collect();
        names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        names
    }
}

/// A script's statements, by q's script rules.
pub fn script_statements(text: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(text);
    let mut statements: Vec<String> = Vec::new();
    let mut in_comment = false;
    for line in text.lines() {
        let trimmed = line.trim_end();
        if in_comment {
            if trimmed == "\\" {
                in_comment = false;
            }
            continue;
        }
        if trimmed == "/" {
            in_comment = true;
            continue;
        }
        if trimmed == "\\" {
            break;
        }
        if trimmed.is_empty() || trimmed.starts_with('/') {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = statements.last_mut() {
                last.push(' ');
                last.push_str(trimmed.trim_start());
                continue;
            }
        }
        statements.push(trimmed.to_string());
    }
    statements
}
