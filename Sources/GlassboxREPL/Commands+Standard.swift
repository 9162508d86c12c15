import GlassboxLanguage
import GlassboxTensors

// MARK: - The standard commands

extension REPL {
    /// `:help`, `:vars`, `:reset`, `:time`, `:precision`, `:quit`.
    static func standardCommands() -> [REPLCommand] {
        [
            REPLCommand(name: "help", aliases: ["h"], arguments: "[NAME]",
                        help: "this list; with a name, help on a command or built-in") { repl, argument in
                if argument.isEmpty { repl.say(repl.overview()) } else { repl.showHelp(argument) }
            },
            REPLCommand(name: "vars", aliases: ["who"],
                        help: "your variables: shape, whether a parameter, whether it has a gradient") { repl, _ in
                repl.say(repl.variablesTable())
            },
            REPLCommand(name: "time", aliases: ["timeit"], arguments: "EXPR",
                        help: "run EXPR repeatedly and report the median time per run") { repl, argument in
                repl.time(argument)
            },
            REPLCommand(name: "precision", arguments: "[N]",
                        help: "digits after the decimal point when showing tensors (now and default: 4)") { repl, argument in
                repl.setPrecision(argument)
            },
            REPLCommand(name: "reset",
                        help: "forget every variable and earlier output (built-ins stay)") { repl, _ in
                repl.session.reset()
                repl.outputs = [.none]
                // The lesson's variables are gone, so the lesson is left too (and its folder).
                if let player = repl.notebook.player {
                    player.leave()
                    repl.notebook.player = nil
                    repl.say("All variables and outputs forgotten; the lesson is closed (`:lesson N` opens it again).")
                } else {
                    repl.say("All variables and outputs forgotten.")
                }
            },
            REPLCommand(name: "quit", aliases: ["q", "exit"], help: "leave Glassbox (also Ctrl-D)") { repl, _ in
                repl.shouldQuit = true
            },
        ]
    }

    // MARK: :help and ?name

    /// What `:help` shows.
    func overview() -> String {
        let style = renderer.style
        var lines = [style.heading("Glassbox") + " — type an expression, press Return. Docs/LANGUAGE.md has the whole language.", ""]
        lines.append(style.heading("Commands"))
        let width = (commands.commands.map { $0.usage.count }.max() ?? 0) + 2
        for command in commands.commands {
            let usage = command.usage
            lines.append("  " + style.name(usage) + String(repeating: " ", count: width - usage.count) + command.help)
        }
        lines.append("")
        lines.append(style.heading("Help") + "       ?name (or name?) shows a built-in's signature, doc and example;")
        lines.append("           :help builtins lists every built-in.")
        lines.append(style.heading("Results") + "    _ is the last output; _3 and Out[3] the output of cell 3;")
        lines.append("           a trailing ; hides a result.")
        lines.append(style.heading("Keys") + "       Tab completes, Up/Down walk the history, Ctrl-R searches it,")
        lines.append("           Ctrl-C stops a running cell or clears the line, Ctrl-D quits.")
        return lines.joined(separator: "\n")
    }

    /// `?name`: a command, the built-ins list, or what the language knows about `name`.
    func showHelp(_ name: String) {
        if name.isEmpty { return say(overview()) }
        if name == "builtins" { return say(builtinsList()) }
        if !name.hasPrefix(":"), let help = help(for: name) { return say(help) }
        let bare = name.hasPrefix(":") ? String(name.dropFirst()) : name
        if case .found(let command) = commands.lookup(bare) {
            return say(renderer.style.name(command.usage) + "  " + command.help)
        }
        let known = Builtins.all.map(\.name) + session.variables.map(\.name) + commands.names.map { ":" + $0 }
        let hint = Suggestions.closest(to: name, among: known).map { "; did you mean `\($0)`?" } ?? ""
        problem("no help for `\(name)`" + hint)
    }

    /// What `?name` says: a built-in's signature, summary and example; a user function's
    /// definition; a variable's type and shape, and the attributes its kind has.
    func help(for name: String) -> String? {
        let style = renderer.style
        if let value = session.value(of: name), session.variables.contains(where: { $0.name == name }) {
            var text: String
            switch value {
            case .function(let function):
                return style.name(function.signature) + "  (your function)\n  " + (function.definition ?? function.signature)
            case .tensor(let tensor):
                let shape = tensor.shape.isEmpty ? "a number"
                    : "a tensor of shape " + Shape.text(tensor.shape)
                var facts = [shape]
                if tensor.isParameter { facts.append("a parameter") }
                if tensor.grad != nil { facts.append("has a gradient (\(name).grad)") }
                text = style.name(name) + ": your variable, " + facts.joined(separator: ", ")
            case .object(let object):
                text = style.name(name) + ": your variable, a " + object.typeName
                if !object.variablesSummary.isEmpty { text += " (\(object.variablesSummary))" }
            default:
                text = style.name(name) + ": your variable, a " + value.typeName
            }
            let attributes = value.attributeDocs
            let width = (attributes.map(\.name.count).max() ?? 0) + 3
            for a in attributes {
                text += "\n  " + style.name("\(name).\(a.name)")
                    + String(repeating: " ", count: width - a.name.count) + a.summary
            }
            return text
        }
        if let doc = Builtins.doc(for: name) {
            return style.name(doc.signature) + "\n  " + doc.summary + "\n  example: " + doc.example
        }
        return nil
    }

    /// Every built-in with its one-line summary, grouped by category.
    func builtinsList() -> String {
        var lines: [String] = []
        var categories: [String] = []
        for doc in Builtins.all where !categories.contains(doc.category) { categories.append(doc.category) }
        let width = (Builtins.all.map { $0.name.count }.max() ?? 0) + 2
        for category in categories {
            if !lines.isEmpty { lines.append("") }
            lines.append(renderer.style.heading(category))
            for doc in Builtins.all where doc.category == category {
                lines.append("  " + renderer.style.name(doc.name)
                             + String(repeating: " ", count: width - doc.name.count) + doc.summary)
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: :vars

    /// One row per variable: name, kind, shape, parameter?, gradient?
    func variablesTable() -> String {
        let variables = session.variables.filter { !REPL.isOutputName($0.name) }
        if variables.isEmpty { return "No variables yet." }
        var rows: [[String]] = [["name", "type", "shape", "param", "grad"]]
        for variable in variables {
            switch variable.value {
            case .tensor(let tensor):
                rows.append([variable.name, variable.value.typeName, Shape.text(tensor.shape),
                             tensor.isParameter ? "yes" : "", tensor.grad != nil ? "yes" : ""])
            case .object(let object):
                rows.append([variable.name, object.typeName, object.variablesSummary, "", ""])
            default:
                rows.append([variable.name, variable.value.typeName, "", "", ""])
            }
        }
        return table(rows)
    }

    /// Left-aligned columns, the first row as the heading.
    func table(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { $0.count > column ? $0[column].count : 0 }.max() ?? 0 }
        return rows.enumerated().map { index, row in
            let line = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }.joined().trimmingWhitespace()
            return index == 0 ? renderer.style.header(line) : line
        }.joined(separator: "\n")
    }

    // MARK: :precision

    func setPrecision(_ argument: String) {
        if argument.isEmpty {
            say("precision: \(session.precision) digits after the decimal point")
            return
        }
        guard let digits = Int(argument), (0...16).contains(digits) else {
            problem("`:precision` takes a whole number of digits from 0 to 16, not `\(argument)`")
            return
        }
        session.precision = digits
    }
}
