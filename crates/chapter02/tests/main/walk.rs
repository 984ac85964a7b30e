//! `walk` on a real terminal (tmux): single keys, no Enter, and the
//! terminal left as it was. (The runner's own walk tests, through a pipe,
//! run on its fixture chapter.)

const BIN: &str = env!("CARGO_BIN_EXE_chapter02");

#[test]
#[cfg_attr(not(has_tmux), ignore = "tmux not found: apt install tmux")]
fn walk_on_a_terminal_answers_single_keys() {
    use test_harness::tmux::{self, Tmux};

    // The prompts go to a file so the test can read all of them; the keys
    // come from tmux's terminal, without Enter.
    let out = std::env::temp_dir().join(format!("walk-keys-{}.txt", std::process::id()));
    let app = format!("{BIN} walk 2.8 --virtual-time > {}", out.display());
    let tmux = Tmux::start("chapter02-walk", (100, 30), &tmux::then_report_exit(&app));
    let written = || std::fs::read_to_string(&out).unwrap_or_default();
    let wait_for = |what: &str, ok: &dyn Fn(&str) -> bool| {
        let deadline = std::time::Instant::now() + tmux::TMUX_WAIT;
        while !ok(&written()) {
            assert!(
                std::time::Instant::now() < deadline,
                "never saw {what}:\n{}",
                written()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    wait_for("the first prompt", &|o| {
        o.contains("[Enter] run 2.8   [b] back   [q] quit")
    });
    tmux.keys(&["Space"]);
    wait_for("2.8's output and the prompt after it", &|o| {
        o.contains("[r] run 2.8 again")
    });
    tmux.keys(&["r"]);
    wait_for("2.8 run again", &|o| {
        o.matches("[r] run 2.8 again").count() == 2
    });
    tmux.keys(&["b"]);
    wait_for("2.7's source", &|o| o.contains("//! Listing 2.7 "));
    tmux.keys(&["q"]);
    let screen = tmux.wait("the exit code and stty -a", |s| {
        s.contains("EXITED") && s.contains("icanon")
    });
    assert!(screen.contains("EXITED 0"), "{screen}");
    assert!(
        screen.contains(" icanon") && !screen.contains("-icanon"),
        "raw mode left on:\n{screen}"
    );
    let written = written();
    let _ = std::fs::remove_file(&out);
    assert_eq!(written.matches("── output of 2.8").count(), 2, "{written}");
    assert!(!written.contains("── output of 2.7"), "{written}");
}
