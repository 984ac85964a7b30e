fn main() -> std::process::ExitCode {
    shared_util::cli::main_with(&chapter08::CHAPTER, chapter08::TOOLS, chapter08::OPTIONS)
}
