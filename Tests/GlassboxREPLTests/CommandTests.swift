import XCTest
import GlassboxLanguage
@testable import GlassboxREPL

/// The `:commands` and `?help`, through whole sessions.
final class CommandTests: XCTestCase {
    /// A command typed twice (a lesson pre-fills `:next`, the learner types it too) is the
    /// command once; anything else keeps its name and argument.
    func testADoubledCommandIsTheCommandOnce() {
        XCTAssertTrue(splitCommand(":next:next") == ("next", ""))
        XCTAssertTrue(splitCommand(":next :next") == ("next", ""))
        XCTAssertTrue(splitCommand(":next:next:next") == ("next", ""))
        XCTAssertTrue(splitCommand(":next:back") == ("next:back", ""))
        XCTAssertTrue(splitCommand(":lesson 3") == ("lesson", "3"))
        XCTAssertTrue(splitCommand(":time :next") == ("time", ":next"))
        XCTAssertTrue(splitCommand(":") == ("", ""))
    }

    func testVarsListsShapesParametersAndGradients() {
        assertTranscript("""
            In [1]: :vars
            No variables yet.

            In [1]: W = param([[1, 2], [3, 4]])

            In [2]: s = "hi"

            In [3]: loss = sum(W * W)

            In [4]: backward(loss)

            In [5]: 3 + 4
            Out[5]: 7

            In [6]: :vars
            name  type    shape   param  grad
            W     tensor  2×2     yes    yes
            s     string
            loss  number  scalar         yes

            In [6]: 
            """)
    }

    /// An object's `:vars` row and `?name` help come from its kind: the attributes with their docs.
    func testVarsAndHelpOnAnOptimizer() {
        let harness = Harness([.line("W = param([1, 2]); opt = sgd(W, lr=0.1)"), .line(":vars"), .line("?opt"), .line("?W")])
        let screen = harness.run()
        XCTAssertTrue(screen.contains("opt   optimizer"), screen)
        XCTAssertTrue(screen.contains("opt: your variable, a optimizer\n  opt.t    the number of steps taken\n  opt.lr   the learning rate"), screen)
        XCTAssertTrue(screen.contains("  W.shape   the sizes of the axes, as a vector"), screen)
    }

    func testPrecisionChangesHowTensorsAreShown() {
        assertTranscript("""
            In [1]: [1, 2] / 3
            Out[1]: 2-element
            [0.3333, 0.6667]

            In [2]: :precision 2

            In [2]: [1, 2] / 3
            Out[2]: 2-element
            [0.33, 0.67]

            In [3]: :precision
            precision: 2 digits after the decimal point

            In [3]: :precision many
            error: `:precision` takes a whole number of digits from 0 to 16, not `many`

            In [3]: 
            """)
    }

    func testResetForgetsVariablesAndOutputs() {
        assertTranscript("""
            In [1]: a = 1

            In [2]: a + 1
            Out[2]: 2

            In [3]: :reset
            All variables and outputs forgotten.

            In [3]: a
            error: unknown name `a`
              a
              ^

            In [4]: _
            error: unknown name `_`
              _
              ^

            In [5]: 
            """)
    }

    func testUnknownAndAmbiguousCommands() {
        assertTranscript("""
            In [1]: :vras
            error: unknown command `:vras`; did you mean `:vars`?

            In [1]: :xyzzy
            error: unknown command `:xyzzy`; `:help` lists the commands

            In [1]: :prec 3

            In [1]: :precision
            precision: 3 digits after the decimal point

            In [1]: 
            """)
    }

    func testHelpListsEveryCommandFromTheTable() {
        let harness = Harness([.line(":help")])
        let screen = harness.run()
        for command in harness.repl.commands.commands {
            XCTAssertTrue(screen.contains(command.usage), "`:help` leaves out \(command.usage)")
            XCTAssertTrue(screen.contains(command.help), "`:help` leaves out the help of \(command.usage)")
        }
    }

    func testRegisteredCommandsAreDispatchedAndListed() {
        let harness = Harness([.line(":double 21"), .line(":help")])
        harness.repl.commands.register(REPLCommand(name: "double", arguments: "N", help: "twice N") { repl, argument in
            repl.say(String((Int(argument) ?? 0) * 2))
        })
        let screen = harness.run()
        XCTAssertTrue(screen.contains("In [1]: :double 21\n42\n"), screen)
        XCTAssertTrue(screen.contains(":double N"), screen)
    }

    func testHelpOnABuiltinAVariableAndACommand() {
        let harness = Harness([.line("?zeros"), .line("zeros?"), .line("v = [1, 2, 3]"), .line("?v"),
                               .line("?:time"), .line("?zeroes")])
        let screen = harness.run()
        guard let doc = Builtins.doc(for: "zeros") else { return XCTFail("zeros is a built-in") }
        XCTAssertEqual(screen.components(separatedBy: doc.signature).count - 1, 2, screen)
        XCTAssertTrue(screen.contains(doc.summary), screen)
        XCTAssertTrue(screen.contains(doc.example), screen)
        XCTAssertTrue(screen.contains("v: your variable, a tensor of shape 3-element"), screen)
        XCTAssertTrue(screen.contains(":time EXPR  run EXPR repeatedly"), screen)
        XCTAssertTrue(screen.contains("error: no help for `zeroes`; did you mean `zeros`?"), screen)
    }

    func testTimeReportsTheMedianAndTheRunCount() throws {
        let harness = Harness([.line("x = [1, 2, 3, 4]"), .line(":time x + 1"), .line(":time nope"), .line(":time")])
        let screen = harness.run()
        let report = try XCTUnwrap(screen.split(separator: "\n").first { $0.contains("per loop") }, screen)
        // "1.23 µs per loop (median of 7 runs, 5000 loops each; fastest 1.20 µs)"
        XCTAssertTrue(report.contains("(median of 7 runs, "), String(report))
        XCTAssertTrue(report.contains(" loops each; fastest "), String(report))
        XCTAssertTrue(screen.contains("error: unknown name `nope`"), screen)
        XCTAssertTrue(screen.contains("error: `:time` needs code to time"), screen)
        XCTAssertEqual(harness.repl.cellNumber, 2, ":time runs are not cells")
        XCTAssertEqual(harness.repl.session.variables.map(\.name), ["x"], "the timing loop leaves no variable behind")
    }

    func testCtrlCStopsTiming() {
        let harness = Harness([.lineThenInterrupt(":time 1 + 1"), .line("2")])
        let screen = harness.run()
        XCTAssertTrue(screen.contains("error: `:time` interrupted"), screen)
        XCTAssertFalse(screen.contains("per loop"), screen)
        XCTAssertTrue(screen.contains("Out[1]: 2"), screen)
    }

    func testBareColonAndQuestionMarkShowTheOverview() {
        let screen = Harness([.line(":"), .line("?")]).run()
        XCTAssertEqual(screen.components(separatedBy: "Commands\n").count - 1, 2, screen)
    }

    func testHelpBuiltinsListsTheTableByCategory() {
        let screen = Harness([.line(":help builtins")]).run()
        for doc in Builtins.all {
            XCTAssertTrue(screen.contains(doc.name), "`:help builtins` leaves out \(doc.name)")
            XCTAssertTrue(screen.contains(doc.category), "`:help builtins` leaves out \(doc.category)")
        }
    }

    func testLoopCountsAndDurations() {
        XCTAssertEqual((0..<7).reduce(into: [1]) { list, _ in list.append(REPL.nextLoopCount(after: list.last ?? 1)) },
                       [1, 2, 5, 10, 20, 50, 100, 200])
        XCTAssertEqual(REPL.duration(0.000_000_123_4), "123 ns")
        XCTAssertEqual(REPL.duration(0.000_012_34), "12.3 µs")
        XCTAssertEqual(REPL.duration(0.001_5), "1.50 ms")
        XCTAssertEqual(REPL.duration(2.5), "2.50 s")
    }

    func testCompletionOffersVariablesBuiltinsAndCommands() throws {
        let harness = Harness([.line("weights = [1, 2]"), .line("1 + 1")])
        harness.run()
        let complete = try XCTUnwrap(harness.reader.completer)
        XCTAssertEqual(complete("we").matches, ["weights"])
        XCTAssertTrue(complete("ze").matches.contains("zeros"))
        XCTAssertEqual(complete(":va").matches, [":vars"])
        XCTAssertFalse(complete("_").matches.contains("_2"), "past outputs are not offered")
    }
}
