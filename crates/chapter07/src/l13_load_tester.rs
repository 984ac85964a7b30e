//! Listings 7.13–7.15 — A load tester whose UI thread drives a runtime.
//!
//! The book builds a Tkinter window; here it is a terminal UI (ratatui).
//! The UI owns the main thread and its event loop; Tokio runs on a second
//! thread, and the UI reaches it only through thread-safe calls: a
//! `Handle` to spawn the load test (the book's `run_coroutine_threadsafe`)
//! and a channel back for progress. Keys: `u` edit the URL, `n` edit the
//! request count (Enter confirms), `s` start, `c` cancel, `q` or Ctrl-C
//! quit. The terminal is restored on exit, error or panic. By default it
//! loads the demo server's `/delay/200` (200 ms a request, like a far
//! server), so 1000 requests take about two seconds and the bar moves.
//!
//! Run: cargo run -p chapter07 -- 7.13

use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::{Block, Gauge, Paragraph};
use ratatui::{DefaultTerminal, Frame};
use shared_util::Ctx;

use crate::stress_test::{StressTest, Update};

#[derive(Clone, Copy, PartialEq)]
enum Editing {
    Nothing,
    Url,
    Count,
}

struct App {
    url: String,
    count: String,
    editing: Editing,
    test: Option<(StressTest, Receiver<Update>)>,
    status: String,
    ratio: f64,
}

/// A current-thread runtime on its own thread; dropping the sender stops it.
fn runtime_thread() -> anyhow::Result<(tokio::runtime::Handle, tokio::sync::oneshot::Sender<()>)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let handle = runtime.handle().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        runtime.block_on(async {
            let _ = stopped.await;
        })
    });
    Ok((handle, stop))
}

fn draw(frame: &mut Frame<'_>, app: &App) {
    let [url, count, bar, status, help] =
        Layout::vertical([Constraint::Length(3); 5]).areas(frame.area());
    let field = |name: &str, mode| {
        Block::bordered().title(if app.editing == mode {
            format!("{name} (editing)")
        } else {
            name.to_owned()
        })
    };
    frame.render_widget(
        Paragraph::new(app.url.as_str()).block(field("URL [u]", Editing::Url)),
        url,
    );
    frame.render_widget(
        Paragraph::new(app.count.as_str()).block(field("Requests [n]", Editing::Count)),
        count,
    );
    frame.render_widget(
        Gauge::default()
            .block(Block::bordered().title("Progress"))
            .ratio(app.ratio.clamp(0.0, 1.0)),
        bar,
    );
    frame.render_widget(
        Paragraph::new(app.status.as_str()).block(Block::bordered().title("Load tester")),
        status,
    );
    frame.render_widget(
        Paragraph::new("s start · c cancel · u url · n requests · q quit"),
        help,
    );
}

fn run_app(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    runtime: &tokio::runtime::Handle,
) -> anyhow::Result<()> {
    loop {
        if let Some((_, updates)) = &app.test {
            for update in updates.try_iter() {
                match update {
                    Update::Progress {
                        completed,
                        failed,
                        total,
                    } => {
                        app.ratio = completed as f64 / total.max(1) as f64;
                        app.status = format!("{completed}/{total} requests done, {failed} failed");
                    }
                    Update::Finished {
                        completed,
                        failed,
                        total,
                        cancelled,
                    } => {
                        let how = if cancelled { "cancelled" } else { "finished" };
                        app.status =
                            format!("{how}: {completed}/{total} requests done, {failed} failed");
                    }
                }
            }
        }
        terminal.draw(|frame| draw(frame, app))?;
        if !event::poll(Duration::from_millis(50))? {
            continue;
        }
        let Event::Key(key) = event::read()? else {
            continue;
        };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        // Raw mode turns Ctrl-C into a key press: let it quit, as it would.
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        if control && key.code == KeyCode::Char('c') {
            return Ok(());
        }
        let field = match app.editing {
            Editing::Url => Some(&mut app.url),
            Editing::Count => Some(&mut app.count),
            Editing::Nothing => None,
        };
        if let Some(text) = field {
            match key.code {
                KeyCode::Char(c) if !control => text.push(c),
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Enter | KeyCode::Esc => app.editing = Editing::Nothing,
                _ => {}
            }
            continue;
        }
        match key.code {
            KeyCode::Char('q') => return Ok(()),
            KeyCode::Char('u') => app.editing = Editing::Url,
            KeyCode::Char('n') => app.editing = Editing::Count,
            KeyCode::Char('c') => {
                if let Some((test, _)) = &app.test {
                    test.cancel()
                }
            }
            KeyCode::Char('s') | KeyCode::Enter => match app.count.trim().parse::<usize>() {
                Ok(_) if reqwest::Url::parse(&app.url).is_err() => {
                    app.status = format!("not a URL: {:?}", app.url);
                }
                Ok(total) if total > 0 => {
                    if let Some((old, _)) = &app.test {
                        old.cancel()
                    }
                    let (sender, updates) = channel();
                    let test = StressTest::start(runtime, app.url.clone(), total, 100, sender);
                    app.test = Some((test, updates));
                    app.ratio = 0.0;
                    app.status = format!("started {total} requests");
                }
                _ => app.status = format!("not a request count: {:?}", app.count),
            },
            _ => {}
        }
    }
}

/// The demo server's delay for each request of a default run: 1000
/// requests, 100 at a time, then take about two seconds, so the progress
/// bar moves where a class can see it. `--url` or `--latency-ms` replace it.
const LATENCY: Duration = Duration::from_millis(200);

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut app = App {
        url: ctx.url_with_latency(LATENCY)?,
        count: ctx.requests_or(1000).to_string(),
        editing: Editing::Nothing,
        test: None,
        status: "press s to start".into(),
        ratio: 0.0,
    };
    use std::io::IsTerminal as _;
    anyhow::ensure!(
        std::io::stdin().is_terminal() && std::io::stdout().is_terminal(),
        "7.13 is an interactive terminal UI: run it in a terminal"
    );
    let (runtime, stop) = runtime_thread()?;
    let mut terminal = ratatui::try_init()?; // also restores on panic
    let result = run_app(&mut terminal, &mut app, &runtime);
    ratatui::restore();
    drop(stop);
    if let Some((test, _)) = &app.test {
        println!("load tester closed: {} requests done", test.completed());
    }
    result
}
