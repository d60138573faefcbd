//! Command-line definitions. Help text and examples live here, next to the flags they describe.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// epiwire: epidemic intelligence from the news.
///
/// Reads news articles (text, HTML, JSON/JSONL, WARC, any of them gzip-compressed), finds the
/// diseases, places, dates and case/death figures in them, and stores them for analysis.
/// Logs go to stderr; data goes to stdout.
#[derive(Debug, Parser)]
#[command(name = "epiwire", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug). RUST_LOG overrides it.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Worker threads for extraction (default: all cores).
    #[arg(short = 'j', long, global = true, env = "EPIWIRE_THREADS")]
    pub threads: Option<usize>,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ingest the bundled sample corpus and serve the dashboard over it.
    ///
    /// The corpus (the two seed articles and 60 WHO Disease Outbreak News pages, see
    /// data/demo/README.md) is built into the binary. It is ingested into DIR (a second run
    /// adds nothing), then the API and the dashboard are served until Ctrl-C; the URL is printed
    /// on stdout.
    ///
    /// Examples:
    ///   cargo run --release -- demo
    ///   epiwire demo --addr 127.0.0.1:9000 --data /tmp/epiwire-demo
    #[command(verbatim_doc_comment)]
    Demo(DemoArgs),

    /// Extract articles and their annotations; print one JSON object per document.
    ///
    /// Reads .txt, .html/.htm, .json/.jsonl (records with `id`, `text` or `html`, optional
    /// `title`, `published`, `url`), .warc/.warc.gz, and any of these gzip-compressed. A directory
    /// is read recursively; `-` or no path reads standard input. Output is JSON Lines in input
    /// order; a document that cannot be read gives {"id": …, "error": …} and the run goes on.
    /// The exit status is non-zero only when nothing could be read.
    ///
    /// Examples:
    ///   epiwire extract tests/fixtures/seeds/000_c6c40698dd1a2ea1.txt
    ///   epiwire extract news/ > docs.jsonl
    ///   zcat CC-NEWS-20220518.warc.gz | epiwire extract -
    #[command(verbatim_doc_comment)]
    Extract(ExtractArgs),

    /// Extract documents and store them in the embedded database.
    ///
    /// Documents are keyed by a hash of their content: ingesting the same input twice adds
    /// nothing, and an interrupted ingest resumes where it stopped when run again. Each batch is
    /// committed in one transaction; what is reported stored survives a kill.
    ///
    /// Examples:
    ///   epiwire ingest tests/fixtures/seeds/
    ///   epiwire ingest --data /srv/epiwire CC-NEWS-*.warc.gz
    #[command(verbatim_doc_comment)]
    Ingest(IngestArgs),

    /// Watch RSS, Atom and JSON feeds; fetch, extract and store every new item's article.
    ///
    /// FEEDS is a file of feed URLs, one a line (`#` comments), or an OPML file (outline
    /// xmlUrl). Each feed is polled every --interval (longer when the feed's ttl or
    /// sy:updatePeriod asks), with conditional GET, exponential backoff on errors and
    /// Retry-After honoured; one request at a time per host, --host-delay apart. Each new item's
    /// page is fetched and extracted like `ingest` does; when the page cannot be fetched, the
    /// item's own content is stored instead (logged). Feed state and seen items live in the
    /// store, so a restart fetches nothing twice. Private, loopback, link-local and other
    /// non-public addresses are refused (checked after DNS and on every redirect) unless
    /// --allow-private. Runs until SIGINT/SIGTERM, or polls every feed once with --once.
    ///
    /// Examples:
    ///   epiwire watch feeds.txt
    ///   epiwire watch feeds.opml --data /srv/epiwire --interval 30m --once
    #[command(verbatim_doc_comment)]
    Watch(WatchArgs),

    /// Print what the store holds: documents, languages, months, annotations.
    ///
    /// Examples:
    ///   epiwire stats
    ///   epiwire stats --json
    #[command(verbatim_doc_comment)]
    Stats(StatsArgs),

    /// Show one stored document as JSON, by id.
    ///
    /// Example:
    ///   epiwire show tests/fixtures/seeds/000_c6c40698dd1a2ea1.txt
    #[command(verbatim_doc_comment)]
    Show(ShowArgs),

    /// Serve the JSON API, the Atom feed of signals, the exports and the dashboard over HTTP.
    ///
    /// Reads are open on a loopback address; writes (triage) need `Authorization: Bearer
    /// <token>` with a token from `epiwire token create`. On any other address reads need a
    /// token too, unless --open-reads. The API is described at /api/openapi.json.
    ///
    /// Examples:
    ///   epiwire serve
    ///   epiwire serve --addr 127.0.0.1:9000 --data /srv/epiwire
    ///   curl 'http://127.0.0.1:8080/api/events?country=KP&limit=5'
    #[command(verbatim_doc_comment)]
    Serve(ServeArgs),

    /// Create, list or revoke the API tokens that authorise writes (triage).
    ///
    /// A new token is printed once on stdout; the store keeps only its hash. The token's name
    /// is recorded as the author of each triage decision made with it.
    ///
    /// Examples:
    ///   epiwire token create ana
    ///   epiwire token list
    ///   epiwire token revoke ana
    #[command(verbatim_doc_comment)]
    Token(TokenArgs),

    /// Group documents into events: print {"id", "event", "duplicate_of"} per document.
    ///
    /// Reads JSON Lines records with `id`, `title`, `text` and optional `published` (`-` reads
    /// standard input), annotates them and clusters them: documents about the same real-world
    /// event share `event`; a near-duplicate (syndicated copy, re-post) names the earlier
    /// document it copies in `duplicate_of`. Output is in input order; a bad line gives
    /// {"id": …, "error": …} and the run goes on.
    ///
    /// Examples:
    ///   epiwire cluster docs.jsonl
    ///   epiwire extract news/ | epiwire cluster -
    #[command(verbatim_doc_comment)]
    Cluster(ClusterArgs),

    /// Score epiwire on the development sets and print precision/recall/F1 tables.
    ///
    /// The data directory defaults to ../shared/data (EPIWIRE_EVAL_DATA overrides it).
    ///
    /// Examples:
    ///   epiwire eval article
    ///   epiwire eval all --data ../shared/data
    #[command(verbatim_doc_comment)]
    Eval(EvalArgs),

    /// List the events (outbreaks) the stored documents were grouped into, most relevant first.
    ///
    /// Every ingested document joins an event or opens one; reports of the same outbreak by
    /// several outlets share an event. Each line shows the event's diseases, countries, dates,
    /// documents and independent sources, its headline figures and its signals. Prints a table
    /// on a terminal and JSON Lines otherwise. Exit status 1 when no event matches.
    ///
    /// Examples:
    ///   epiwire events
    ///   epiwire events --country KP --disease COVID-19
    ///   epiwire events --signal new_event --from 2022-05-01 --format csv > events.csv
    #[command(verbatim_doc_comment)]
    Events(EventsArgs),

    /// Show one event: its figure timeline (cumulative and new apart), conflicts, sources and
    /// each figure's evidence sentence. ID is an event id (from `epiwire events`) or the id of
    /// one of its documents.
    ///
    /// Examples:
    ///   epiwire event E1
    ///   epiwire event tests/fixtures/seeds/000_c6c40698dd1a2ea1.txt --json
    #[command(verbatim_doc_comment)]
    Event(EventArgs),

    /// Full-text search over the stored documents, ranked by relevance (BM25).
    ///
    /// Brings the search index (in DATA/index, rebuilt from the store when missing or stale) up
    /// to date with the store first. All words are required; use "quotes" for a phrase, OR for
    /// either word, -word to exclude, title:word for one field. Prints a table on a terminal and
    /// JSON ({total, hits, facets}) otherwise. Exit status 1 when nothing matches, 2 for a query
    /// that does not parse.
    ///
    /// Examples:
    ///   epiwire search Pyongyang fever
    ///   epiwire search cholera --country HT --from 2010-10-01 --to 2010-12-31
    ///   epiwire search '"fever cases"' --disease COVID-19 --format jsonl | jq .title
    #[command(verbatim_doc_comment)]
    Search(SearchArgs),
}

/// Where the store lives.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// Directory of the embedded store.
    #[arg(long = "data", env = "EPIWIRE_DATA", default_value = "./epiwire-data")]
    pub dir: PathBuf,
}

/// Input limits shared by the commands that read documents.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or directories to read; `-` or nothing reads standard input.
    pub paths: Vec<PathBuf>,
    /// Largest document accepted, in bytes; larger ones are reported as errors.
    #[arg(long, default_value_t = 8 * 1024 * 1024)]
    pub max_doc_bytes: u64,
    /// Largest decompressed size of one gzip input, in bytes (guards against gzip bombs).
    #[arg(long, default_value_t = 64 * 1024 * 1024 * 1024)]
    pub max_decompressed_bytes: u64,
}

/// `demo` arguments.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to serve on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Directory of the demo's store (created when missing).
    #[arg(long, default_value = "./epiwire-demo")]
    pub data: PathBuf,
}

/// `extract` arguments.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Leave out the article text from the output (offsets then point into nothing you have).
    #[arg(long)]
    pub no_text: bool,
}

/// `ingest --events-batch` by default: the consolidation's own batch.
pub const EVENTS_BATCH: usize = epiwire_consolidate::BATCH;

/// `ingest` arguments.
#[derive(Debug, Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Documents per transaction.
    #[arg(long, default_value_t = 256)]
    pub batch: usize,
    /// Documents per consolidation batch beside the ingest: events are grouped once this many
    /// documents wait (and whatever is left at the end). Larger batches cost less CPU per
    /// document and hold more documents in memory.
    #[arg(long, default_value_t = EVENTS_BATCH)]
    pub events_batch: usize,
    /// Progress bar: auto shows it only on a terminal.
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    pub progress: Progress,
}

/// When to draw a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    /// On a terminal only.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `stats` arguments.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `show` arguments.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Document id.
    pub id: String,
    #[command(flatten)]
    pub data: DataArgs,
}

/// `search` arguments.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Query words (joined with spaces); empty lists the newest documents.
    pub query: Vec<String>,
    /// Only documents about this disease (id such as DOID:0080600, or name such as COVID-19).
    #[arg(long)]
    pub disease: Option<String>,
    /// Only documents naming a place in this country (ISO 3166-1 alpha-2 code, e.g. KP).
    #[arg(long)]
    pub country: Option<String>,
    /// Only documents from this outlet (URL host, e.g. reuters.com).
    #[arg(long)]
    pub outlet: Option<String>,
    /// Only documents published on or after this date (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub from: Option<String>,
    /// Only documents published on or before this date (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub to: Option<String>,
    /// Hits to print (at most 1000).
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Newest first instead of most relevant first.
    #[arg(long)]
    pub newest: bool,
    /// Output format (default: table on a terminal, JSON otherwise).
    #[arg(long, value_enum)]
    pub format: Option<SearchFormat>,
    #[command(flatten)]
    pub data: DataArgs,
}

/// How `search` prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchFormat {
    /// One block per hit: rank, date, outlet, title, snippet.
    Table,
    /// One JSON object: {total, hits, facets}.
    Json,
    /// One JSON object per hit, one a line.
    Jsonl,
}

/// `cluster` arguments.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// JSON Lines file of documents (`id`, `title`, `text`, optional `published`); `-` reads
    /// standard input.
    pub file: PathBuf,
}

/// `events` arguments.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Only events about this disease (id such as DOID:0080600, or name such as COVID-19).
    #[arg(long)]
    pub disease: Option<String>,
    /// Only events in this country (ISO 3166-1 alpha-2 code, e.g. KP).
    #[arg(long)]
    pub country: Option<String>,
    /// Only events seen on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Only events seen on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// Only events with a signal of this kind: new_event, jump, ears_c1, ears_c2, ears_c3,
    /// farrington.
    #[arg(long)]
    pub signal: Option<String>,
    /// Events to print (1..=10000).
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: usize,
    /// Events to skip (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Output format (default: table on a terminal, JSON Lines otherwise).
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
    #[command(flatten)]
    pub data: DataArgs,
}

/// How `events` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A few lines per event.
    Table,
    /// One JSON array.
    Json,
    /// One JSON object a line.
    Jsonl,
    /// CSV with a header line.
    Csv,
}

/// `event` arguments.
#[derive(Debug, Args)]
pub struct EventArgs {
    /// Event id (E…) or the id of one of its documents.
    pub id: String,
    /// Print JSON (the default when stdout is not a terminal).
    #[arg(long, conflicts_with = "text")]
    pub json: bool,
    /// Print text even when stdout is not a terminal.
    #[arg(long)]
    pub text: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

/// `eval` arguments.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Which evaluation to run.
    #[arg(value_enum)]
    pub what: EvalKind,
    /// The shared data directory holding the dev sets.
    #[arg(long, env = "EPIWIRE_EVAL_DATA", default_value = "../shared/data")]
    pub data: PathBuf,
}

/// The evaluations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalKind {
    /// Main text, title and date on trafilatura-eval.
    Article,
    /// EpiTator's count tests (span list and attributes).
    Counts,
    /// EpiTator's date tests.
    Dates,
    /// Disease and virus spans on the BAND dev sentences.
    Diseases,
    /// Place recognition and resolution on eha-geo, and EpiTator's geoname tests.
    Places,
    /// WHO DON 1996–2012: hand-coded case and death figures found with the right metric.
    WhoDon,
    /// Aid actions and quotes on the hand-written response gold set (dev and held-out parts).
    Response,
    /// Event clustering (B³) on ECB+, NewsWCL50 and WikiRef220.
    Clustering,
    /// Everything.
    All,
}

/// `serve` arguments.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    #[command(flatten)]
    pub data: DataArgs,
    /// Serve reads without a token on a non-loopback address too.
    #[arg(long)]
    pub open_reads: bool,
    /// Allow cross-origin requests from this origin (repeatable); none by default.
    #[arg(long)]
    pub cors: Vec<String>,
    /// URL the server is reached at, for the links in the feed (default: http://ADDR).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Seconds allowed to start answering a request.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Store connections (0: twice the number of cores, at least 4).
    #[arg(long, default_value_t = 0)]
    pub connections: usize,
    /// Seconds between additions of newly ingested documents to the search index (0: never).
    #[arg(long, default_value_t = 10)]
    pub sync_every: u64,
}

/// `token` arguments.
#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub action: TokenAction,
}

/// What to do with tokens.
#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token and print it (once).
    Create {
        /// The token's name: who triage decisions made with it are recorded under.
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// List the tokens' names and creation times.
    List {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Revoke a token.
    Revoke {
        /// The token's name.
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `watch` arguments.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// File of feed URLs (one a line, `#` comments) or OPML.
    pub feeds: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Poll every feed once, then exit.
    #[arg(long)]
    pub once: bool,
    /// Time between polls of a feed (`90s`, `15m`, `1h`; a bare number is seconds).
    #[arg(long, default_value = "15m", value_parser = crate::cmd::watch::parse_duration)]
    pub interval: std::time::Duration,
    /// Least time between two requests to the same host.
    #[arg(long, default_value = "2s", value_parser = crate::cmd::watch::parse_duration)]
    pub host_delay: std::time::Duration,
    /// Longest wait for a connection.
    #[arg(long, default_value = "10s", value_parser = crate::cmd::watch::parse_duration)]
    pub connect_timeout: std::time::Duration,
    /// Longest time for one request, body included.
    #[arg(long, default_value = "30s", value_parser = crate::cmd::watch::parse_duration)]
    pub timeout: std::time::Duration,
    /// Most bytes read of one response; the rest is not read.
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    pub max_bytes: usize,
    /// Allow private, loopback, link-local and other non-public addresses.
    #[arg(long)]
    pub allow_private: bool,
    /// Allow this one non-public address (repeatable), e.g. an in-house feed server.
    #[arg(long = "allow-addr", value_name = "IP")]
    pub allow_addr: Vec<std::net::IpAddr>,
}
