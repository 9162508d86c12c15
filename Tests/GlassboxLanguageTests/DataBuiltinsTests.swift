import Foundation
import XCTest
@testable import GlassboxLanguage
import GlassboxTensors
#if canImport(Glibc)
import Glibc
#endif

/// The data, text and sampling built-ins (Builtins+Data.swift) that lessons 10–12 use.
final class DataBuiltinsTests: XCTestCase {
    var s = Session()
    var folder = ""

    override func setUpWithError() throws {
        s = Session()
        var template = Array("/tmp/glassbox-data-XXXXXX".utf8CString)
        folder = try XCTUnwrap(template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return nil }
            return String(cString: made)
        })
    }

    override func tearDown() {
        for name in ["a.csv", "bad.csv", "ragged.csv", "header.csv", "t.txt", "pipe", "big.csv"] { unlink(folder + "/" + name) }
        rmdir(folder + "/sub")
        rmdir(folder)
    }

    private func write(_ name: String, _ text: String) {
        let f = fopen(folder + "/" + name, "w")
        XCTAssertNotNil(f)
        fputs(text, f)
        fclose(f)
    }

    // MARK: load_csv, read_text, paths

    func testLoadCSVWithHeaderAndMissingValues() {
        write("header.csv", "3,2,setosa\n5.1,3.5\n4.9,\r\n\n 4.7 , 3.2\n")
        s.directory = folder
        XCTAssertEqual(show("X = load_csv(\"header.csv\", skip=1); X.shape", in: s), "2-element\n[3, 2]")
        XCTAssertEqual(show("X[0]", in: s), "2-element\n[5.1, 3.5]")
        XCTAssertEqual(show("X[1, 1] != X[1, 1]", in: s), "1")   // the empty field is nan
        XCTAssertEqual(show("X[2]", in: s), "2-element\n[4.7, 3.2]")
    }

    func testRelativePathsUseTheSessionDirectoryElseTheWorkingDirectory() {
        write("a.csv", "1,2\n3,4\n")
        XCTAssertEqual(show("sum(load_csv(\"\(folder)/a.csv\"))", in: s), "10")   // absolute
        s.directory = folder
        XCTAssertEqual(show("sum(load_csv(\"a.csv\"))", in: s), "10")
        s.directory = nil
        let cwd = UnsafeMutablePointer<CChar>.allocate(capacity: 4096)
        defer { cwd.deallocate() }
        XCTAssertNotNil(getcwd(cwd, 4096))
        let saved = String(cString: cwd)
        XCTAssertEqual(chdir(folder), 0)
        defer { _ = chdir(saved) }
        XCTAssertEqual(show("sum(load_csv(\"a.csv\"))", in: s), "10")
    }

    func testLoadCSVErrorsNameTheFileLineAndField() {
        write("bad.csv", "1,2\n3,x7\n")
        write("ragged.csv", "1,2\n3\n")
        write("header.csv", "a,b\n1,2\n")
        s.directory = folder
        let bad = failure("load_csv(\"bad.csv\")", in: s)
        XCTAssertEqual(bad?.message, "`bad.csv` line 2, field 2: `x7` is not a number")
        XCTAssertEqual(bad?.column, 10)   // points at the path argument
        XCTAssertEqual(failure("load_csv(\"ragged.csv\")", in: s)?.message,
                       "`ragged.csv` line 2 has 1 field, earlier lines have 2")
        XCTAssertEqual(failure("load_csv(\"header.csv\")", in: s)?.message,
                       "`header.csv` line 1, field 1: `a` is not a number (a header? use skip=1)")
        let missing = failure("load_csv(\"nope.csv\")", in: s)
        XCTAssertEqual(missing?.message, "cannot open `nope.csv` (\(folder)/nope.csv): No such file or directory")
        XCTAssertEqual(failure("load_csv(3)", in: s)?.message, "`path` of load_csv must be a string, got a number")
        XCTAssertEqual(failure("load_csv(\"a.csv\", skip=-1)", in: s)?.message, "`skip` of load_csv must be ≥ 0, got -1")
        XCTAssertEqual(failure("load_csv(\"header.csv\", skip=5)", in: s)?.message,
                       "`header.csv` has no rows of numbers after skipping 5")
    }

    /// FOLLOWUPS 17: opening a named pipe waited for a writer forever (and `/dev/stdin` at a
    /// terminal for input); `/dev/zero` never ends. Only regular files are read now, and the type
    /// is checked before anything is opened. If the check regresses, a writer thread opens the
    /// pipe every two seconds, so the test fails (reading "from the writer") instead of hanging.
    func testOnlyRegularFilesAreReadNeverAPipeOrADevice() throws {
        let pipe = folder + "/pipe"
        XCTAssertEqual(mkfifo(pipe, 0o600), 0)
        let writer = Thread {
            for _ in 0..<4 {
                sleep(2)
                let fd = open(pipe, O_WRONLY | O_NONBLOCK)   // fails (ENXIO) when no one is reading
                guard fd >= 0 else { continue }
                _ = "from the writer".withCString { Glibc.write(fd, $0, 15) }
                close(fd)
            }
        }
        writer.start()
        s.directory = folder
        XCTAssertEqual(failure("read_text(\"pipe\")", in: s)?.message, "`pipe` (\(pipe)) is a pipe, not a regular file")
        XCTAssertEqual(failure("load_csv(\"\(pipe)\")", in: s)?.message, "`\(pipe)` is a pipe, not a regular file")
        XCTAssertEqual(failure("read_text(\"/dev/zero\")", in: s)?.message,
                       "`/dev/zero` is a character device, not a regular file")
        XCTAssertEqual(mkdir(folder + "/sub", 0o700), 0)
        let directory = failure("load_csv(\"sub\")", in: s)
        XCTAssertEqual(directory?.message, "`sub` (\(folder)/sub) is a directory, not a regular file")
        XCTAssertEqual(directory?.kind, .value)
        XCTAssertEqual(directory?.column, 10, "the caret is under the path")
        // `/dev/stdin` is refused unless the input really is a file (`glassbox < data.txt`).
        var info = stat()
        if stat("/dev/stdin", &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            XCTAssertTrue(failure("read_text(\"/dev/stdin\")", in: s)?.message.hasSuffix(", not a regular file") ?? false)
        }
    }

    /// A file over 64 MiB is refused by its size before any of it is read (a sparse file: no
    /// disk is used).
    func testFilesOverTheSizeLimitAreRefusedBeforeReading() throws {
        let path = folder + "/big.csv"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(ftruncate(fd, off_t(DataBuiltins.maxFileBytes + (6 << 20))), 0)
        close(fd)
        let error = failure("load_csv(\"\(path)\")", in: s)
        XCTAssertEqual(error?.kind, .allocation)
        XCTAssertEqual(error?.message, "`\(path)` is 70 MiB; files of at most 64 MiB can be read")
    }

    func testReadTextVocabEncodeDecodeRoundTrip() {
        write("t.txt", "hello, world\n")
        s.directory = folder
        XCTAssertEqual(show("text = read_text(\"t.txt\"); len(text)", in: s), "13")
        XCTAssertEqual(show("V = vocab(text); V", in: s), "\"\\n ,dehlorw\"")
        XCTAssertEqual(show("encode(\"hello\", V)", in: s), "5-element\n[5, 4, 6, 6, 7]")
        XCTAssertEqual(show("decode(encode(text, V), V) == text", in: s), "1")
        XCTAssertEqual(failure("encode(\"hex\", V)", in: s)?.message, "encode: the character \"x\" is not in the vocabulary")
        XCTAssertEqual(failure("decode([1, 10], V)", in: s)?.message,
                       "decode: 10 is not an index into a vocabulary of 10 characters")
        XCTAssertEqual(failure("decode([0.5], V)", in: s)?.message,
                       "decode: 0.5 is not an index into a vocabulary of 10 characters")
    }

    func testLen() {
        XCTAssertEqual(show("len(\"héllo\")", in: s), "5")
        XCTAssertEqual(show("len(zeros(4, 2))", in: s), "4")
        XCTAssertEqual(show("len((1, 2, 3))", in: s), "3")
        XCTAssertEqual(failure("len(3)", in: s)?.message,
                       "a number has no length (len needs a string, a tuple or a tensor of rank ≥ 1)")
    }

    // MARK: randperm, take, one_hot

    func testRandpermIsASeededPermutation() {
        _ = s.run("seed(3); p = randperm(50)")
        let p = s.value(of: "p")?.tensor?.toArray() ?? []
        XCTAssertEqual(p.sorted(), (0..<50).map(Float.init))
        XCTAssertNotEqual(p, (0..<50).map(Float.init))
        _ = s.run("seed(3); q = randperm(50)")
        XCTAssertEqual(s.value(of: "q")?.tensor?.toArray(), p)
        XCTAssertEqual(show("randperm(0).shape", in: s), "1-element\n[0]")
        XCTAssertEqual(failure("randperm(-2)", in: s)?.message, "`n` of randperm must be ≥ 0, got -2")
    }

    func testTakeAlongAxes() {
        _ = s.run("M = reshape(arange(12), 3, 4)")
        XCTAssertEqual(show("take(M, [2, 0, 2])", in: s), "3×4\n[[ 8,  9, 10, 11],\n [ 0,  1,  2,  3],\n [ 8,  9, 10, 11]]")
        XCTAssertEqual(show("take(M, [-1, 1], axis=1)", in: s), "3×2\n[[ 3,  1],\n [ 7,  5],\n [11,  9]]")
        XCTAssertEqual(show("take(M, [[0, 1], [1, 2]]).shape", in: s), "3-element\n[2, 2, 4]")
        XCTAssertEqual(show("take(M[:, 1:3], [1])", in: s), "1×2\n[[5, 6]]")   // a strided view
        XCTAssertEqual(failure("take(M, [3])", in: s)?.message, "take: index 3 is out of range for axis 0 of size 3")
        XCTAssertEqual(failure("take(M, [0.5])", in: s)?.message, "take: index 0.5 is out of range for axis 0 of size 3")
        XCTAssertEqual(failure("take(M, [0], axis=2)", in: s)?.kind, .index)
    }

    func testTakeOfAParameterPassesGradientsBack() {
        _ = s.run("W = param(reshape(arange(6), 3, 2)); y = take(W, [2, 0, 2]); backward(sum(y * [[1, 2], [3, 4], [5, 6]]))")
        // Row 2 was taken twice: its gradient is the sum of both contributions.
        XCTAssertEqual(show("W.grad", in: s), "3×2\n[[3, 4],\n [0, 0],\n [6, 8]]")
        // Same values as the plain copy.
        XCTAssertEqual(show("y == take(detach(W), [2, 0, 2])", in: s), "3×2\n[[1, 1],\n [1, 1],\n [1, 1]]")
    }

    func testOneHot() {
        XCTAssertEqual(show("one_hot([0, 2, 1], 3)", in: s), "3×3\n[[1, 0, 0],\n [0, 0, 1],\n [0, 1, 0]]")
        XCTAssertEqual(show("one_hot(1, 4)", in: s), "4-element\n[0, 1, 0, 0]")
        XCTAssertEqual(show("one_hot([[0], [1]], 2).shape", in: s), "3-element\n[2, 1, 2]")
        XCTAssertEqual(failure("one_hot([0, 3], 3)", in: s)?.message, "one_hot: label 3 is not a class index in 0…2")
        XCTAssertEqual(failure("one_hot([1.5], 3)", in: s)?.message, "one_hot: label 1.5 is not a class index in 0…2")
        XCTAssertEqual(failure("one_hot([0], 0)", in: s)?.message, "`n` of one_hot must be ≥ 1, got 0")
    }

    func testOneHotTooLargeIsAnAllocationError() {
        let saved = Tensor.allocationLimit
        Tensor.allocationLimit = 1 << 20
        defer { Tensor.allocationLimit = saved }
        XCTAssertEqual(failure("one_hot(zeros(1000), 1000000)", in: s)?.kind, .allocation)
    }

    // MARK: multinomial

    func testMultinomialFollowsTheProbabilities() {
        _ = s.run("seed(0); d = multinomial([0.1, 0, 0.2, 0.7], 20000)")
        let d = s.value(of: "d")?.tensor?.toArray() ?? []
        XCTAssertEqual(d.count, 20000)
        let counts = (0..<4).map { k in Double(d.filter { $0 == Float(k) }.count) / 20000 }
        XCTAssertEqual(counts[0], 0.1, accuracy: 0.01)
        XCTAssertEqual(counts[1], 0)                       // weight 0 is never drawn
        XCTAssertEqual(counts[2], 0.2, accuracy: 0.01)
        XCTAssertEqual(counts[3], 0.7, accuracy: 0.01)
        _ = s.run("seed(0); e = multinomial([0.1, 0, 0.2, 0.7], 20000)")
        XCTAssertEqual(s.value(of: "e")?.tensor?.toArray(), d)   // seeded
    }

    func testMultinomialRowsAndErrors() {
        XCTAssertEqual(show("seed(1); multinomial([[0, 1], [1, 0]], 3)", in: s), "2×3\n[[1, 1, 1],\n [0, 0, 0]]")
        XCTAssertEqual(show("multinomial([2, 0, 0]).shape", in: s), "1-element\n[1]")   // unnormalized weights are fine
        XCTAssertEqual(failure("multinomial([0.5, -0.1])", in: s)?.message,
                       "multinomial: probabilities must be finite and ≥ 0, got -0.1")
        XCTAssertEqual(failure("multinomial([[1, 0], [0, 0]])", in: s)?.message,
                       "multinomial: the probabilities of row 1 sum to 0")
        XCTAssertEqual(failure("multinomial(zeros(2, 2, 2))", in: s)?.kind, .shape)
    }

    // MARK: assert

    func testAssert() {
        XCTAssertNil(failure("assert(1 < 2)", in: s))
        XCTAssertNil(failure("assert([1, 2] > 0, \"positive\")", in: s))
        let d = failure("acc = 0.8\nassert(acc >= 0.9, \"test accuracy below 0.9\")", in: s)
        XCTAssertEqual(d?.message, "assertion failed: test accuracy below 0.9")
        XCTAssertEqual(d?.line, 2)
        XCTAssertEqual(failure("assert([1, 0, 0])", in: s)?.message, "assertion failed (2 of 3 elements false)")
        XCTAssertEqual(failure("assert(nan)", in: s)?.message, "assertion failed")
        XCTAssertEqual(failure("assert(zeros(0))", in: s)?.message, "assertion failed (0 of 0 elements false)")
    }

    func testTheBuiltinsAreListedWithDocs() {
        for name in ["load_csv", "read_text", "randperm", "take", "one_hot", "multinomial", "vocab", "encode", "decode",
                     "len", "assert"] {
            let doc = Builtins.doc(for: name)
            XCTAssertEqual(doc?.category, "Data and text", name)
            XCTAssertFalse(doc?.summary.isEmpty ?? true, name)
        }
    }
}
