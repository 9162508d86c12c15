import ArgumentParser
import GlassboxKernel
import GlassboxKernels
import GlassboxREPL
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Commands

/// `--json`, accepted before or after the subcommand (`glassbox --json run f`, `glassbox run --json f`).
struct OutputOptions: ParsableArguments {
    @Flag(help: "Machine-readable output: one JSON object per line (with -e, run, or piped code).")
    var json = false
}

/// `glassbox`: the notebook REPL, `-e CODE`, or the `run` and `lesson` subcommands.
struct Glassbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glassbox",
        abstract: "A see-through tensor notebook for learning deep learning.",
        usage: """
            glassbox                          the notebook (stdin a terminal), or piped code as a script
            glassbox -e CODE [--json]
            glassbox run [--check] [--json] FILE...
            glassbox lesson [N [SECTION]]
            glassbox kernel install [--user] | export FILE.md... | -f CONNECTION.json
            """,
        discussion: """
            With no arguments, starts the notebook REPL when standard input is a terminal; \
            code piped on standard input runs like a script, with no prompts. \
            Exit status: 0 when every cell ran, 1 when a cell failed, 2 for a usage error.
            """,
        version: Launcher.version,
        subcommands: [Run.self, Lesson.self, Kernel.self]
    )

    @Option(name: .customShort("e"), help: ArgumentHelp("Evaluate CODE and print the result.", valueName: "CODE"))
    var code: String?

    @OptionGroup var output: OutputOptions

    var json: Bool { output.json }

    func run() throws {
        if let code {
            throw ExitCode(Launcher.evaluate(code, json: json))
        }
        throw ExitCode(Launcher.start(json: json))
    }
}

/// `glassbox run FILE...`
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run scripts (.gbx) and notebooks or lessons (.md) in order, in one session; exit 1 if any cell fails.")

    @Flag(help: "Also check recorded outputs and exercise solutions (notebooks and lessons, .md).")
    var check = false

    @OptionGroup var output: OutputOptions

    var json: Bool { output.json }

    @Argument(help: ArgumentHelp("Scripts (.gbx) and notebooks or lessons (.md) to run.", valueName: "FILE"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("`run` needs at least one FILE.") }
        if check, json { throw ValidationError("`--check` reports in words; it does not combine with `--json`.") }
    }

    func run() throws {
        throw ExitCode(Launcher.runFiles(files, check: check, json: json))
    }
}

/// `glassbox lesson [N]`
struct Lesson: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Open the lesson list, or lesson N.")

    @Argument(help: "The lesson to open (where you left off).")
    var number: Int?

    @Argument(help: "The section to start at.")
    var section: Int?

    func validate() throws {
        if let section, section < 1 { throw ValidationError("SECTION counts from 1.") }
    }

    func run() throws {
        throw ExitCode(Launcher.lesson(number: number, section: section))
    }
}

/// `glassbox kernel -f CONNECTION.json`: the Jupyter kernel, which Jupyter starts through the
/// kernelspec `glassbox kernel install` writes.
struct Kernel: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The Jupyter kernel (messaging protocol 5.3); `kernel install` registers it with Jupyter.",
        subcommands: [KernelInstall.self, KernelExport.self])

    @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter wrote.", valueName: "CONNECTION.json"))
    var connectionFile: String?

    func run() throws {
        // Checked here, not in `validate()`, which also runs for `kernel install`.
        guard let connectionFile else {
            throw ValidationError("`kernel` needs `-f CONNECTION.json` (Jupyter passes it), or `kernel install`.")
        }
        do {
            let kernel = try JupyterKernel(connectionFile: connectionFile)
            throw ExitCode(kernel.run())
        } catch let error as KernelError {
            StandardStream.error().write("glassbox kernel: \(error.message)\n")
            StandardStream.error().flush()
            throw ExitCode(1)
        }
    }
}

/// `glassbox kernel install [--user] [--prefix DIR]`
struct KernelInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install", abstract: "Write the `glassbox` kernelspec where Jupyter finds kernels.")

    @Flag(help: "Install for this user only (~/.local/share/jupyter/kernels).")
    var user = false

    @Option(help: ArgumentHelp("Install under DIR/share/jupyter/kernels (a virtual environment's prefix).", valueName: "DIR"))
    var prefix: String?

    func run() throws {
        do {
            let directory = try KernelSpec.install(user: user, prefix: prefix)
            print("Installed the Glassbox kernel in \(directory). Start it with `jupyter lab` or `jupyter console --kernel glassbox`.")
        } catch {
            StandardStream.error().write("glassbox kernel install: \(error.message)\n")
            StandardStream.error().flush()
            throw ExitCode(1)
        }
    }
}

/// `glassbox kernel export FILE.md... [--output DIR]`
struct KernelExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write lessons or notebooks (.md) as Jupyter notebooks (.ipynb) for the glassbox kernel.")

    @Option(help: ArgumentHelp("Write the .ipynb files into DIR (default: beside each file).", valueName: "DIR"))
    var output: String?

    @Argument(help: ArgumentHelp("Lessons or notebooks (.md) to export.", valueName: "FILE"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("`kernel export` needs at least one FILE.") }
    }

    func run() throws {
        let paths: [String]
        do {
            paths = try KernelSpec.export(files, to: output)
        } catch {
            StandardStream.error().write("glassbox kernel export: \(error.message)\n")
            StandardStream.error().flush()
            throw ExitCode(2)
        }
        for path in paths { print("Exported \(path)") }
    }
}

// MARK: - Entry point

/// Parses the arguments and runs; usage errors exit with status 2 (not ArgumentParser's 64).
func main() -> Never {
    Kernels.tuneAllocator()
    let command: ParsableCommand
    do {
        command = try Glassbox.parseAsRoot()
    } catch {
        exitForParseError(error)
    }
    do {
        var command = command
        try command.run()
        exit(0)
    } catch let code as ExitCode {
        exit(code.rawValue)
    } catch {
        exitForParseError(error)
    }
}

func exitForParseError(_ error: Error) -> Never {
    let code = Glassbox.exitCode(for: error)
    if code == .validationFailure {
        let message = Glassbox.fullMessage(for: error)
        StandardStream.error().write(message + "\n")
        StandardStream.error().flush()
        exit(2)
    }
    Glassbox.exit(withError: error)
}

main()
