//! `qport [script.q] [-q]`: loads the script, then reads q from standard input as the q
//! console does. The prompt `q)` shows only when standard input is a terminal and `-q`
//! is not given; a terminal also gets line editing and history.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use qport_q::{Console, Reply};

#[derive(Parser)]
#[command(name = "qport", about = "A q console, compatible with kdb+'s")]
struct Args {
    /// A q script to load first.
    script: Option<PathBuf>,
    /// Quiet: no banner and no prompt.
    #[arg(short = 'q')]
    quiet: bool,
}

/// Evaluation nests deeply (a lambda calling itself, a long chain of verbs); it runs on
/// a thread with a stack this large, of which only what is used is ever touched.
const ENGINE_STACK: usize = 512 << 20;

fn main() -> ExitCode {
    let args = Args::parse();
    let engine = std::thread::Builder::new()
        .name("q".into())
        .stack_size(ENGINE_STACK)
        .spawn(move || run(args));
    match engine.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => ExitCode::FAILURE,
    }
}

fn run(args: Args) -> ExitCode {
    qport_q::system::set_space_meter(qport_q::system::SpaceMeter {
        start: counting_allocator::start,
        peak: counting_allocator::peak,
    });
    let mut console = Console::new();
    if let Some(script) = &args.script {
        match std::fs::read(script) {
            Ok(text) => {
                if let Err(e) = console.interp.load_script(&text) {
                    let text = match e {
                        qport_q::eval::Interrupt::Error(e) => e.text().to_string(),
                        qport_q::eval::Interrupt::Return(_) => "return".into(),
                    };
                    flush(&mut console);
                    eprintln!("'{text}");
                }
                flush(&mut console);
            }
            Err(e) => {
                eprintln!("{}: {e}", script.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let interactive = io::stdin().is_terminal() && !args.quiet;
    if interactive {
        edit_lines(&mut console)
    } else {
        read_lines(&mut console)
    }
}

/// Writes what the script printed.
fn flush(console: &mut Console) {
    let out = std::mem::take(&mut console.interp.output);
    let err = std::mem::take(&mut console.interp.error_output);
    let _ = io::stdout().write_all(&out);
    let _ = io::stdout().flush();
    let _ = io::stderr().write_all(&err);
}

/// Prints a line's reply: output first (flushed), then any error on standard error.
fn show(reply: &Reply) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(reply.out.as_bytes());
    let _ = stdout.flush();
    if !reply.err.is_empty() {
        let _ = io::stderr().write_all(reply.err.as_bytes());
    }
}

/// Piped input: one line at a time, no prompt.
fn read_lines(console: &mut Console) -> ExitCode {
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let reply = console.line(&line);
        show(&reply);
        if reply.exit {
            break;
        }
    }
    ExitCode::SUCCESS
}

/// A terminal: the `q)` prompt with line editing and history.
fn edit_lines(console: &mut Console) -> ExitCode {
    let Ok(mut editor) = rustyline::DefaultEditor::new() else {
        return read_lines(console);
    };
    loop {
        match editor.readline("q)") {
            Ok(line) => {
                let _ = editor.add_history_entry(line.as_str());
                let reply = console.line(&line);
                show(&reply);
                if reply.exit {
                    break;
                }
            }
            Err(rustyline::error::ReadlineError::Interrupted) => continue,
            Err(_) => break,
        }
    }
    ExitCode::SUCCESS
}

/// The system allocator, counting the bytes it holds and the most it has held, so `\ts`
/// reports the space an expression takes.
mod counting_allocator {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Counting;

    static HELD: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    fn grew(bytes: usize) {
        let held = HELD.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if held > PEAK.load(Ordering::Relaxed) {
            PEAK.fetch_max(held, Ordering::Relaxed);
        }
    }

    // SAFETY: every call is passed to the system allocator unchanged; only counters are
    // updated around it.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: as the caller's contract for `alloc`.
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: as the caller's contract for `alloc_zeroed`.
            let p = unsafe { System.alloc_zeroed(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: as the caller's contract for `dealloc`.
            unsafe { System.dealloc(ptr, layout) };
            HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: as the caller's contract for `realloc`.
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                HELD.fetch_sub(layout.size(), Ordering::Relaxed);
                grew(new_size);
            }
            p
        }
    }

    /// Resets the peak to what is held now; returns it.
    pub fn start() -> usize {
        let held = HELD.load(Ordering::Relaxed);
        PEAK.store(held, Ordering::Relaxed);
        held
    }

    /// The most held since `start`.
    pub fn peak() -> usize {
        PEAK.load(Ordering::Relaxed)
    }
}

#[global_allocator]
static ALLOCATOR: counting_allocator::Counting = counting_allocator::Counting;
