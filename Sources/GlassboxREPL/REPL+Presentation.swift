import GlassboxLanguage

// MARK: - Showing results

extension REPL {
    /// Shows what a cell produced, in the REPL's presentation.
    func present(_ result: CellResult, cell: Int, startLine: Int) {
        switch presentation {
        case .notebook:
            if let value = result.lastValue, !value.isNone, !presentWalkthroughValue(value) {
                output.write(renderer.output(value, cell: cell, precision: session.precision) + "\n")
            }
            if let error = result.error {
                if error.kind == .interrupted { startBelowEchoedInterrupt() }
                output.write(renderer.diagnostic(error, cellName: cellName(cell, startLine: startLine)) + "\n")
            }
        case .script(let fileName):
            for statement in result.statements where !statement.silenced {
                guard let value = statement.value, !value.isNone, !presentWalkthroughValue(value) else { continue }
                output.write(renderer.value(value, precision: session.precision) + "\n")
            }
            if let error = result.error {
                errors.write(located(error, in: fileName, startLine: startLine, cell: cell) + "\n")
            }
        case .json:
            for statement in result.statements where !statement.silenced {
                guard let value = statement.value, let line = jsonLine(value, cell: cell) else { continue }
                output.write(line + "\n")
            }
            if let error = result.error {
                output.write(JSON.cellError(error, cell: cell) + "\n")
            }
        }
    }

    /// A terminal echoes Ctrl-C as `^C` where the cursor is; start the next message below it.
    func startBelowEchoedInterrupt() {
        if reader is EditLineReader { output.write("\n") }
    }

    /// A script's error, located in the file as compilers write it (`demo.gbx:12:5: error: …`);
    /// code from `-e` has no file, and a one-line cell's error needs no location.
    func located(_ error: Diagnostic, in fileName: String?, startLine: Int, cell: Int) -> String {
        if fileName != nil { return renderer.colouring(error.formatted(relativeTo: nil)) }
        return renderer.diagnostic(error, cellName: cellName(cell, startLine: startLine))
    }

    /// A line from `print(…)` in the running cell. In JSON it becomes
    /// `{"cell": n, "print": "…"}`, so standard output stays one JSON object per line.
    func printed(_ line: String) {
        switch presentation {
        case .notebook, .script:
            output.write(line + "\n")
        case .json:
            output.write(JSON.cellPrint(line, cell: runningCell) + "\n")
        }
    }
}
