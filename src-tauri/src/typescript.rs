//! The UI's side of the IPC contract, written from the Rust definitions: every type a command
//! takes or returns, the error codes, the events and a typed function per command. The checked-in
//! copy is `ui/src/generated/contract.ts`; a test fails when it is stale (`make contract`
//! rewrites it).

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use sigil_core::service::Event;
use sigil_core::service::views::{ErrorView, NetworkView};
use ts_rs::{Config, TS, TypeVisitor};

/// Where the UI keeps the generated contract, from the top of the repository.
pub const CONTRACT_PATH: &str = "ui/src/generated/contract.ts";

/// One command as the UI calls it.
#[derive(Debug)]
pub struct CommandSpec {
    /// The window allowed to call it.
    pub window: &'static str,
    /// Its name on the wire.
    pub name: &'static str,
    /// Its documentation.
    pub doc: &'static str,
    /// Its arguments (snake_case, as in Rust) with their TypeScript types.
    pub args: Vec<(&'static str, String)>,
    /// Its result's TypeScript type.
    pub result: String,
}

/// The declarations of every named type reached, by name (sorted, so the file is stable).
pub struct Declarations {
    cfg: Config,
    by_name: BTreeMap<String, String>,
    /// Every type visited, named or not: recursive types (`JsonValue`) end the walk here.
    visited: HashSet<TypeId>,
}

impl std::fmt::Debug for Declarations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Declarations").field("by_name", &self.by_name.keys()).finish()
    }
}

impl Declarations {
    fn new() -> Self {
        Self { cfg: config(), by_name: BTreeMap::new(), visited: HashSet::new() }
    }

    /// Declares `T` and every type it refers to.
    pub fn add<T: TS + 'static + ?Sized>(&mut self) {
        self.visit::<T>();
    }
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.visited.insert(TypeId::of::<T>()) {
            return;
        }
        // Only named types are declared; `Vec<T>`, `Option<T>` and primitives are inlined.
        if T::output_path().is_some() {
            let name = T::ident(&self.cfg);
            let mut decl = T::docs().unwrap_or_default();
            decl.push_str("export ");
            decl.push_str(&T::decl(&self.cfg));
            self.by_name.insert(name, decl);
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// `()` is `null` on the wire; the UI reads it as nothing.
fn result_type(ts: &str) -> &str {
    if ts == "null" { "void" } else { ts }
}

fn jsdoc(doc: &str, indent: &str) -> String {
    let lines: Vec<&str> = doc.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    format!("{indent}/** {} */\n", lines.join(" "))
}

/// A command's arguments as TypeScript fields or parameters: trailing optional (`Option`)
/// arguments may be left out.
fn arguments(args: &[(&'static str, String)]) -> Vec<String> {
    let optional_from = args
        .iter()
        .rposition(|(_, ts)| !ts.ends_with("| null"))
        .map_or(0, |last_required| last_required + 1);
    args.iter()
        .enumerate()
        .map(|(i, (name, ts))| {
            let mark = if i >= optional_from { "?" } else { "" };
            format!("{}{mark}: {ts}", camel_case(name))
        })
        .collect()
}

/// Numbers reach the UI as JSON numbers (every integer we send fits a double).
fn config() -> Config {
    Config::new().with_large_int("number")
}

/// The whole generated file.
pub fn contract() -> String {
    let cfg = config();
    let mut types = Declarations::new();
    let commands = crate::commands::specs(&cfg, &mut types);
    types.add::<ErrorView>();
    types.add::<NetworkView>();
    let events = Event::contract(&cfg, &mut types);

    let mut out = String::from(
        "// Generated from the Rust definitions by src-tauri/src/typescript.rs: do not edit.\n\
         // `make contract` rewrites it; a test fails while it is stale.\n\n",
    );
    for decl in types.by_name.values() {
        out.push_str(decl);
        out.push_str("\n\n");
    }

    out.push_str(
        "/** Every network Sigil knows, by Dfns's id: the names and marks people read. */\n",
    );
    out.push_str("export const NETWORKS: Record<string, NetworkView> = {\n");
    for network in NetworkView::all() {
        let value = serde_json::to_string(&network).unwrap_or_default();
        let _ = writeln!(out, "  {}: {value},", network.id);
    }
    out.push_str("};\n\n");

    out.push_str("/** Every command's name, with the window allowed to call it. */\n");
    out.push_str("export const COMMANDS = {\n");
    for command in &commands {
        let _ = writeln!(out, "  {}: \"{}\",", command.name, command.window);
    }
    out.push_str("} as const;\n\nexport type CommandName = keyof typeof COMMANDS;\n\n");

    out.push_str("/** Each command's arguments, as sent. */\nexport type CommandArgs = {\n");
    for command in &commands {
        let fields = arguments(&command.args);
        if fields.is_empty() {
            let _ = writeln!(out, "  {}: Record<string, never>;", command.name);
        } else {
            let _ = writeln!(out, "  {}: {{ {} }};", command.name, fields.join("; "));
        }
    }
    out.push_str("};\n\n/** Each command's result. */\nexport type CommandResults = {\n");
    for command in &commands {
        let _ = writeln!(out, "  {}: {};", command.name, result_type(&command.result));
    }
    out.push_str("};\n\n/** The events the app sends, by name, with their payloads. */\n");
    out.push_str("export type EventMap = {\n");
    for (name, payload) in &events {
        let _ = writeln!(out, "  \"{name}\": {payload};");
    }
    out.push_str("};\n\n");

    out.push_str(
        "/** How a command travels (Tauri's `invoke` in the app, a fake in tests). */\n\
         export type Call = <K extends CommandName>(\n  \
         command: K,\n  args?: CommandArgs[K],\n) => Promise<CommandResults[K]>;\n\n\
         /** A typed function per command. */\n\
         export function commands(call: Call) {\n  return {\n",
    );
    for command in &commands {
        out.push_str(&jsdoc(command.doc, "    "));
        let name = command.name;
        let keys: Vec<String> = command.args.iter().map(|(arg, _)| camel_case(arg)).collect();
        let args =
            if keys.is_empty() { String::new() } else { format!(", {{ {} }}", keys.join(", ")) };
        let _ = writeln!(
            out,
            "    {}: ({}) => call(\"{name}\"{args}),",
            camel_case(name),
            arguments(&command.args).join(", "),
        );
    }
    out.push_str("  };\n}\n");
    out
}
