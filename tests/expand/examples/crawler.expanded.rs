//! A crawler: fan out over many slow requests with `gather!` and `gather_all`.
//!
//! The "web" is simulated (a table of pages, each with a latency and links), so the program
//! runs anywhere and prints the same every time, but the shape is that of a real crawler:
//! fetch a few fixed resources at once with `gather!`, then crawl breadth-first, fetching every
//! page of a level concurrently with `gather_all`. A page that is missing is an ordinary
//! `Err` value; a page whose parser panics is caught as `TaskError::Panicked` and, thanks to
//! `return_exceptions()`, does not stop the crawl.
//!
//! Run it with `cargo run --example crawler`.
use std::collections::BTreeSet;
use std::time::Duration;
use asyncio::TaskError;
/// A page of the simulated web: its latency in milliseconds and its links.
struct Page {
    url: &'static str,
    latency_ms: u64,
    links: &'static [&'static str],
}
#[rustfmt::skip]
const WEB: &[Page] = &[
    Page {
        url: "/robots.txt",
        latency_ms: 20,
        links: &[],
    },
    Page {
        url: "/sitemap.xml",
        latency_ms: 30,
        links: &["/"],
    },
    Page {
        url: "/",
        latency_ms: 40,
        links: &["/blog", "/docs", "/about"],
    },
    Page {
        url: "/blog",
        latency_ms: 80,
        links: &["/blog/1", "/blog/2", "/"],
    },
    Page {
        url: "/docs",
        latency_ms: 60,
        links: &["/docs/api", "/docs/missing"],
    },
    Page {
        url: "/about",
        latency_ms: 20,
        links: &["/"],
    },
    Page {
        url: "/blog/1",
        latency_ms: 50,
        links: &["/blog"],
    },
    Page {
        url: "/blog/2",
        latency_ms: 30,
        links: &["/broken"],
    },
    Page {
        url: "/docs/api",
        latency_ms: 70,
        links: &[],
    },
    Page {
        url: "/broken",
        latency_ms: 10,
        links: &[],
    },
];
/// What a fetch returns. A missing page is a value (`Err`), not a panic.
type Fetched = Result<&'static Page, String>;
/// Simulates an HTTP GET: waits for the page's latency, then "parses" it.
async fn fetch(url: &'static str) -> Fetched {
    let Some(page) = WEB.iter().find(|page| page.url == url) else {
        asyncio::sleep(Duration::from_millis(10)).await;
        return Err(format!("404 {url}"));
    };
    asyncio::sleep(Duration::from_millis(page.latency_ms)).await;
    if url == "/broken" {
        panic!("parser bug on {url}");
    }
    Ok(page)
}
fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
fn main() -> Result<(), TaskError> {
    #[allow(clippy::unused_async)]
    async fn main() -> Result<(), TaskError> {
        let (robots, sitemap) = ::asyncio::__private::gather((
                ::asyncio::__private::into_task(fetch("/robots.txt")),
                ::asyncio::__private::into_task(fetch("/sitemap.xml")),
            ))
            .await?;
        println!("robots.txt: {}", if robots.is_ok() { "found" } else { "none" });
        let start: &'static str = sitemap.map_or("/", |page| page.links[0]);
        println!("sitemap says: start at {start}");
        let mut seen = BTreeSet::from([start]);
        let mut level = vec![start];
        let mut depth = 0;
        let (mut sequential_ms, mut concurrent_ms) = (0, 0);
        while !level.is_empty() {
            println!("depth {depth}: fetching {} at once", plural(level.len(), "page"));
            let results = asyncio::gather_all(level.iter().map(|&url| fetch(url)))
                .return_exceptions()
                .await;
            let mut next = Vec::new();
            let mut slowest = 0;
            for (url, result) in level.iter().zip(results) {
                match result {
                    Ok(Ok(page)) => {
                        let links = plural(page.links.len(), "link");
                        println!("  {url}: {links} ({} ms)", page.latency_ms);
                        sequential_ms += page.latency_ms;
                        slowest = slowest.max(page.latency_ms);
                        for &link in page.links {
                            if seen.insert(link) {
                                next.push(link);
                            }
                        }
                    }
                    Ok(Err(not_found)) => println!("  {url}: {not_found}"),
                    Err(TaskError::Panicked(p)) => {
                        println!("  {url}: task panicked: {}", p.message())
                    }
                    Err(other) => println!("  {url}: {other}"),
                }
            }
            concurrent_ms += slowest;
            level = next;
            depth += 1;
        }
        println!("crawled {} urls", seen.len());
        println!("one request at a time this would wait {sequential_ms} ms;");
        println!(
            "level by level, it waits for the slowest page of each level: {concurrent_ms} ms"
        );
        Ok(())
    }
    ::asyncio::RunConfig::new().run(main())
}
