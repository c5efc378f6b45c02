//! Golden console transcripts: `tests/golden/*.txt`, one file per feature.
//!
//! A file reads like a q session: a line starting `q)` is typed at the console, and the
//! lines after it, up to the next `q)`, are what q prints for it (values, `show` output,
//! `'error`). A file runs in one session, top to bottom, so earlier lines can define what
//! later ones use. Lines are compared with trailing blanks removed; a line starting `/ `
//! before any input is a comment.

use std::path::Path;

use qport_q::Console;

/// One input and the console text expected for it.
struct Case {
    line_number: usize,
    input: String,
    expected: String,
}

fn cases(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if let Some(input) = line.strip_prefix("q)") {
            cases.push(Case {
                line_number: n + 1,
                input: input.to_string(),
                expected: String::new(),
            });
        } else if let Some(case) = cases.last_mut() {
            case.expected.push_str(line.trim_end());
            case.expected.push('\n');
        }
    }
    for case in &mut cases {
        let trimmed = case.expected.trim_end_matches('\n').to_string();
        case.expected = trimmed;
    }
    cases
}

fn normalize(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end_matches('\n')
        .to_string()
}

/// Runs every file; reports every mismatch, then fails if there was one.
#[test]
fn golden_transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/golden exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no golden files");
    // Evaluation recurses; give it the stack the console binary gives it.
    let failures = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut failures = Vec::new();
            let mut total = 0;
            for path in files {
                let text = std::fs::read_to_string(&path).expect("readable");
                let mut console = Console::new();
                for case in cases(&text) {
                    total += 1;
                    let reply = console.line(&case.input);
                    let got = normalize(&format!("{}{}", reply.out, reply.err));
                    if got != case.expected {
                        failures.push(format!(
                            "{}:{}: q){}\n--- expected\n{}\n--- got\n{}",
                            path.file_name().unwrap_or_default().to_string_lossy(),
                            case.line_number,
                            case.input,
                            case.expected,
                            got
                        ));
                    }
                }
            }
            (failures, total)
        })
        .expect("thread")
        .join()
        .expect("no panic");
    let (failures, total) = failures;
    assert!(
        failures.is_empty(),
        "{} of {} golden cases differ:\n\n{}",
        failures.len(),
        total,
        failures.join("\n\n")
    );
}
