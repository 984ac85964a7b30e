//! [`DatabaseUrl`]: a PostgreSQL connection string that never prints its
//! password, parsed once (by `--database-url`'s value parser, or from the
//! demo database's address) and handed around as is.

/// A connection string, and the same with its password hidden for
/// messages. `Display` and `Debug` show the hidden form, so printing one
/// never leaks the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    shown: String,
}

impl DatabaseUrl {
    /// Accepts `postgres://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE]` (or
    /// `postgresql://`) that tokio-postgres can use; the error says why not.
    pub fn parse(url: &str) -> Result<Self, String> {
        let hint = "give a URL like postgres://USER:PASSWORD@HOST:PORT/DATABASE";
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(format!("invalid --database-url: {hint}"));
        }
        let shown = hide_password(url);
        url.parse::<tokio_postgres::Config>()
            .map_err(|e| format!("invalid --database-url '{shown}': {e}; {hint}"))?;
        Ok(Self {
            url: url.to_owned(),
            shown,
        })
    }

    /// The full connection string, password included: for connecting only.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The connection string with `***` for the password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The driver's configuration for this URL.
    pub fn config(&self) -> tokio_postgres::Config {
        self.url
            .parse()
            .expect("checked when the DatabaseUrl was made")
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

/// `postgres://ann:secret@host/db` → `postgres://ann:***@host/db`, and a
/// `password=` in the query (`?user=ann&password=secret`) the same way.
fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => param.to_owned(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            hide_password("postgres://ann:secret@db.local:5432/products"),
            "postgres://ann:***@db.local:5432/products"
        );
        assert_eq!(
            hide_password("postgres://ann@127.0.0.1/x"),
            "postgres://ann@127.0.0.1/x"
        );
        let url = DatabaseUrl::parse("postgresql://u:p%40ss@h:1/d").unwrap();
        assert_eq!(url.to_string(), "postgresql://u:***@h:1/d");
        assert_eq!(format!("{url:?}"), "postgresql://u:***@h:1/d");
        assert!(DatabaseUrl::parse("mysql://h/d").is_err());
        assert!(DatabaseUrl::parse("http://h/d").is_err());
        // The password may come as a query parameter instead.
        let url =
            DatabaseUrl::parse("postgres://127.0.0.1:1/products?user=me&password=hunter2").unwrap();
        assert_eq!(
            url.to_string(),
            "postgres://127.0.0.1:1/products?user=me&password=***"
        );
        assert_eq!(
            hide_password("postgres://a:b@h/d?PASSWORD=c&sslmode=disable"),
            "postgres://a:***@h/d?PASSWORD=***&sslmode=disable"
        );
    }
}
