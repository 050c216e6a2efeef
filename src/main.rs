fn main() {
    std::process::exit(thematic::cli::run());
}
