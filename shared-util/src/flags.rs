//! The listing flags every chapter shares, parsed once into types.
//!
//! [`ListingFlags`] is one `clap::Args` struct: clap's value parsers turn
//! each flag into its type (a [`WebUrl`], a [`DatabaseUrl`], a port, a
//! count) with a plain error for a bad value, and the runner hands the
//! struct to [`Ctx`](crate::Ctx) as it is (`ctx.flags`). Nothing parses a
//! flag's text again.
//!
//! A listing declares which of them it reads ([`Flag`], in its chapter's
//! registry); `--help` shows a chapter only the flags its listings read,
//! and a flag the listing being run does not read is a usage error that
//! says which listings do.
//!
//! Adding a shared flag: a field here, a [`Flag`] for it, and a row in the
//! README's table.

use std::time::Duration;

use clap::Args;

use crate::demo::database::DatabaseUrl;

/// A web address given with `--url`: `http` or `https`, with a host.
///
/// The rule for its path: the URL is fetched exactly as given. A listing's
/// own path (`/delay/300`, `/site/0`) belongs to the demo server, so
/// `--url https://example.com` fetches `https://example.com/`, and
/// `--url http://127.0.0.1:8080/delay/300` fetches that page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebUrl(url::Url);

impl WebUrl {
    /// Accepts `http://host[:port][/path]` and `https://...`; the error
    /// says what is wrong and what to give instead.
    pub fn parse(text: &str) -> Result<Self, String> {
        let hint = "give a full http:// or https:// URL, e.g. --url https://example.com";
        let url =
            url::Url::parse(text).map_err(|e| format!("invalid --url '{text}': {e}; {hint}"))?;
        match (url.scheme(), url.host_str()) {
            ("http" | "https", Some(host)) if !host.is_empty() => Ok(Self(url)),
            ("http" | "https", _) => Err(format!("invalid --url '{text}': no host; {hint}")),
            (other, _) => Err(format!(
                "invalid --url '{text}': scheme '{other}' is not supported; {hint}"
            )),
        }
    }

    /// The URL as text, with the path it was given (`/` when none).
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl std::fmt::Display for WebUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One shared listing flag, as a listing declares that it reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// `--url`.
    Url,
    /// `--database-url`.
    DatabaseUrl,
    /// `--demo`.
    Demo,
    /// `--count`.
    Count,
    /// `--port`.
    Port,
    /// `--requests`.
    Requests,
    /// `--latency-ms`.
    LatencyMs,
    /// `--scale`.
    Scale,
    /// `--rounds`.
    Rounds,
    /// `--limit`.
    Limit,
}

impl Flag {
    /// Every shared flag, in the help's order.
    pub const ALL: [Flag; 10] = [
        Flag::Url,
        Flag::DatabaseUrl,
        Flag::Demo,
        Flag::Count,
        Flag::Port,
        Flag::Requests,
        Flag::LatencyMs,
        Flag::Scale,
        Flag::Rounds,
        Flag::Limit,
    ];

    /// Its clap id: the field of [`ListingFlags`] (`database_url`).
    pub const fn id(self) -> &'static str {
        match self {
            Flag::Url => "url",
            Flag::DatabaseUrl => "database_url",
            Flag::Demo => "demo",
            Flag::Count => "count",
            Flag::Port => "port",
            Flag::Requests => "requests",
            Flag::LatencyMs => "latency_ms",
            Flag::Scale => "scale",
            Flag::Rounds => "rounds",
            Flag::Limit => "limit",
        }
    }

    /// How it is written: `--database-url`.
    pub fn long(self) -> String {
        format!("--{}", self.id().replace('_', "-"))
    }

    /// Its bit in a [`FlagSet`].
    pub const fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// A set of [`Flag`]s, built in `const` context (a chapter's registry).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlagSet(u16);

impl FlagSet {
    /// No flags.
    pub const EMPTY: FlagSet = FlagSet(0);

    /// The set of `flags`.
    pub const fn of(flags: &[Flag]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < flags.len() {
            bits |= flags[i].bit();
            i += 1;
        }
        FlagSet(bits)
    }

    /// Both sets together.
    pub const fn with(self, other: FlagSet) -> Self {
        FlagSet(self.0 | other.0)
    }

    /// Whether `flag` is in the set.
    pub const fn has(self, flag: Flag) -> bool {
        self.0 & flag.bit() != 0
    }
}

/// The listing options every chapter shares, each parsed into its type.
#[derive(Debug, Clone, Default, Args)]
pub struct ListingFlags {
    /// Fetch this http(s) URL, exactly as given, instead of the listing's
    /// page on the in-process demo server.
    #[arg(long, value_name = "URL", help_heading = "Listing options", value_parser = WebUrl::parse)]
    pub url: Option<WebUrl>,
    /// Use this PostgreSQL server instead of the demo database
    /// (postgres://USER:PASSWORD@HOST:PORT/DATABASE).
    #[arg(long, value_name = "URL", help_heading = "Listing options",
          value_parser = |text: &str| DatabaseUrl::parse(text))]
    pub database_url: Option<DatabaseUrl>,
    /// Servers: run with a scripted client for a moment, then stop.
    #[arg(long, help_heading = "Listing options")]
    pub demo: bool,
    /// How far CPU-bound listings count.
    #[arg(long, value_name = "N", help_heading = "Listing options", allow_negative_numbers = true,
          value_parser = whole_number::<u64>(1, None))]
    pub count: Option<u64>,
    /// Port for server listings (0 picks a free one).
    #[arg(long, value_name = "PORT", help_heading = "Listing options", allow_negative_numbers = true,
          value_parser = whole_number::<u16>(0, None))]
    pub port: Option<u16>,
    /// How many requests request-heavy listings send.
    #[arg(long, value_name = "N", help_heading = "Listing options", allow_negative_numbers = true,
          value_parser = whole_number::<usize>(0, Some(10_000_000)))]
    pub requests: Option<usize>,
    /// Latency the in-process demo server adds to every request (listings
    /// whose lesson is waiting have their own default; others: 0).
    #[arg(long, value_name = "MS", help_heading = "Listing options",
          allow_negative_numbers = true, value_parser = whole_number::<u64>(0, Some(600_000)))]
    pub latency_ms: Option<u64>,
    /// Multiply the book's long waits by F (0.1 = ten times quicker runs)
    /// [default: 1].
    #[arg(long, value_name = "F", help_heading = "Listing options",
          allow_negative_numbers = true, value_parser = parse_scale)]
    pub scale: Option<f64>,
    /// How many rounds looping listings run.
    #[arg(long, value_name = "N", help_heading = "Listing options", allow_negative_numbers = true,
          value_parser = whole_number::<u64>(1, None))]
    pub rounds: Option<u64>,
    /// A concurrency limit: semaphore size, pool size, connections.
    #[arg(long, value_name = "N", help_heading = "Listing options", allow_negative_numbers = true,
          value_parser = whole_number::<usize>(1, Some(1_000_000)))]
    pub limit: Option<usize>,
}

impl ListingFlags {
    /// `--latency-ms` as a duration, when given.
    pub fn latency(&self) -> Option<Duration> {
        self.latency_ms.map(Duration::from_millis)
    }

    /// The flags given (set to anything), in [`Flag::ALL`]'s order.
    pub fn given(&self) -> Vec<Flag> {
        Flag::ALL
            .into_iter()
            .filter(|flag| match flag {
                Flag::Url => self.url.is_some(),
                Flag::DatabaseUrl => self.database_url.is_some(),
                Flag::Demo => self.demo,
                Flag::Count => self.count.is_some(),
                Flag::Port => self.port.is_some(),
                Flag::Requests => self.requests.is_some(),
                Flag::LatencyMs => self.latency_ms.is_some(),
                Flag::Scale => self.scale.is_some(),
                Flag::Rounds => self.rounds.is_some(),
                Flag::Limit => self.limit.is_some(),
            })
            .collect()
    }
}

/// A parser for a whole number from `min` (up to `max`, when given) whose
/// errors say just that (`'-5' is not a whole number, 1 or more`),
/// negative numbers included: clap's own advice to write `-- -5` would be
/// wrong here. Values too big for the type are refused the same way.
pub fn whole_number<T>(
    min: T,
    max: Option<T>,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: std::str::FromStr + PartialOrd + Copy + std::fmt::Display + Send + Sync + 'static,
{
    move |text: &str| {
        let range = match max {
            Some(max) => format!("from {min} to {max}"),
            None => format!("{min} or more"),
        };
        match text.trim().parse::<T>() {
            Ok(n) if n >= min && max.is_none_or(|max| n <= max) => Ok(n),
            _ => Err(format!("'{text}' is not a whole number {range}")),
        }
    }
}

fn parse_scale(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if f > 0.0 && f <= 100.0 => Ok(f),
        _ => Err(format!(
            "'{text}' is not a factor above 0 and at most 100 (1 keeps the book's waits)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_need_http_or_https_and_a_host() {
        assert!(WebUrl::parse("http://127.0.0.1:8080").is_ok());
        assert_eq!(
            WebUrl::parse("https://example.com/path").unwrap().as_str(),
            "https://example.com/path"
        );
        assert!(WebUrl::parse("example.com").is_err());
        assert!(
            WebUrl::parse("ftp://example.com")
                .unwrap_err()
                .contains("scheme 'ftp'")
        );
        assert!(WebUrl::parse("http://").is_err());
    }

    #[test]
    fn numbers_get_plain_range_errors() {
        let count = whole_number::<u64>(1, None);
        assert_eq!(count("5"), Ok(5));
        assert_eq!(
            count("-5").unwrap_err(),
            "'-5' is not a whole number 1 or more"
        );
        let workers = whole_number::<u16>(1, Some(1024));
        assert_eq!(
            workers("0").unwrap_err(),
            "'0' is not a whole number from 1 to 1024"
        );
        assert!(parse_scale("-1").is_err());
        assert_eq!(parse_scale("0.5"), Ok(0.5));
    }

    #[test]
    fn a_set_holds_what_it_was_built_of() {
        let set = FlagSet::of(&[Flag::Url, Flag::Port]);
        assert!(set.has(Flag::Url) && set.has(Flag::Port) && !set.has(Flag::Demo));
        assert!(set.with(FlagSet::of(&[Flag::Demo])).has(Flag::Demo));
        assert_eq!(Flag::DatabaseUrl.long(), "--database-url");
        let flags = ListingFlags {
            port: Some(80),
            demo: true,
            ..ListingFlags::default()
        };
        assert_eq!(flags.given(), [Flag::Demo, Flag::Port]);
    }
}
