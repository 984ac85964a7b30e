//! Listing 7.12 — A GUI-style main loop: one window, one button.
//!
//! The book opens a Tkinter window whose button prints "Hello there!" and
//! hands the main thread to `mainloop()`, which waits for events and calls
//! back. Here the window is the terminal (ratatui, full screen) and the
//! loop is ours: draw, wait for a key or a click, react, repeat. While the
//! loop runs it owns the thread: nothing else can run on it, and a slow
//! callback would freeze the window. That is why 7.13 runs its event loop
//! (Tokio) on a second thread. Enter, Space or a click presses the button;
//! `q`, Esc or Ctrl-C closes the window. The terminal is restored on exit.
//!
//! Run: cargo run -p chapter07 -- 7.12

use std::io::IsTerminal as _;

use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEventKind, KeyModifiers,
    MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::layout::{Constraint, Flex, Layout, Position, Rect};
use ratatui::widgets::{Block, Paragraph};
use ratatui::{DefaultTerminal, Frame};
use shared_util::Ctx;

/// What the window shows: the lines the button printed.
#[derive(Default)]
struct Window {
    said: Vec<&'static str>,
}

impl Window {
    /// The button's callback, the book's `say_hello`.
    fn say_hello(&mut self) {
        self.said.push("Hello there!");
    }
}

/// Where the button sits: centred, near the top.
fn button_area(area: Rect) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(3)])
        .flex(Flex::Start)
        .areas(area.inner(ratatui::layout::Margin::new(0, 1)));
    let [button] = Layout::horizontal([Constraint::Length(20)])
        .flex(Flex::Center)
        .areas(row);
    button
}

fn draw(frame: &mut Frame<'_>, window: &Window) {
    let outer = Block::bordered().title("7.12 · Enter, Space or click: say hello · q: close");
    let inner = outer.inner(frame.area());
    frame.render_widget(outer, frame.area());
    let button = button_area(inner);
    frame.render_widget(
        Paragraph::new("Say hello")
            .centered()
            .block(Block::bordered()),
        button,
    );
    let below = Rect {
        y: button.bottom() + 1,
        height: inner.bottom().saturating_sub(button.bottom() + 1),
        ..inner
    };
    let shown = window.said.len().saturating_sub(usize::from(below.height));
    frame.render_widget(Paragraph::new(window.said[shown..].join("\n")), below);
}

/// The main loop: it returns only when the window is closed.
fn main_loop(terminal: &mut DefaultTerminal, window: &mut Window) -> anyhow::Result<()> {
    loop {
        terminal.draw(|frame| draw(frame, window))?;
        // Blocks this thread until the next event: the loop owns it.
        match event::read()? {
            Event::Key(key) if key.kind == KeyEventKind::Press => match key.code {
                KeyCode::Enter | KeyCode::Char(' ') => window.say_hello(),
                KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    return Ok(());
                }
                _ => {}
            },
            Event::Mouse(mouse) if mouse.kind == MouseEventKind::Down(event::MouseButton::Left) => {
                let area = button_area(Block::bordered().inner(terminal.get_frame().area()));
                if area.contains(Position::new(mouse.column, mouse.row)) {
                    window.say_hello();
                }
            }
            _ => {}
        }
    }
}

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    anyhow::ensure!(
        std::io::stdin().is_terminal() && std::io::stdout().is_terminal(),
        "7.12 is an interactive terminal window: run it in a terminal"
    );
    let mut window = Window::default();
    let mut terminal = ratatui::try_init()?; // also restores on panic
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let result = main_loop(&mut terminal, &mut window);
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result?;
    println!(
        "window closed: the button said hello {} time(s)",
        window.said.len()
    );
    Ok(())
}
