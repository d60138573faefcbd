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
    ///   epiwire --data /srv/epiwire ingest CC-NEWS-*.warc.gz
    #[command(verbatim_doc_comment)]
    Ingest(IngestArgs),

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
    #[arg(long, default_value_t = 32 * 1024 * 1024)]
    pub max_doc_bytes: u64,
    /// Largest decompressed size of one gzip input, in bytes (guards against gzip bombs).
    #[arg(long, default_value_t = 64 * 1024 * 1024 * 1024)]
    pub max_decompressed_bytes: u64,
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

/// `cluster` arguments.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// JSON Lines file of documents (`id`, `title`, `text`, optional `published`); `-` reads
    /// standard input.
    pub file: PathBuf,
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
    /// Event clustering (B³) on ECB+, NewsWCL50 and WikiRef220.
    Clustering,
    /// Everything.
    All,
}
