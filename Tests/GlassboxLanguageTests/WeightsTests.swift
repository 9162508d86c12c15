import XCTest
@testable import GlassboxLanguage
import GlassboxTensors

/// Safetensors through `load` and `save`, the weights value, `include`, `str` and the logical
/// operators: round trips, the format's details, and every kind of broken file giving one
/// message that names the file and what is wrong.
final class WeightsTests: XCTestCase {
    var directory = ""

    override func setUp() {
        directory = NSTemporaryDirectory() + "glassbox-weights-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func session() -> Session {
        let s = Session()
        s.directory = directory
        return s
    }

    func testSaveAndLoadRoundTrip() {
        let s = session()
        XCTAssertEqual(show("save(\"a.safetensors\", W=[[1, 2, 3], [4, 5, 6]], b=[0.5, -0.25], s=7)", in: s), "")
        XCTAssertEqual(show("w = load(\"a.safetensors\"); keys(w)", in: s), "(\"W\", \"b\", \"s\")")
        XCTAssertEqual(show("len(w)", in: s), "3")
        XCTAssertEqual(show("w[\"W\"]", in: s), show("[[1, 2, 3], [4, 5, 6]]", in: s))
        XCTAssertEqual(show("w[\"b\"][1]", in: s), "-0.25")
        XCTAssertEqual(show("w[\"s\"].shape", in: s), show("zeros(0)", in: s), "a number is saved with shape []")
        XCTAssertEqual(show("has(w, \"W\") + has(w, \"V\")", in: s), "1")
        XCTAssertEqual(show("w.parameters", in: s), "9")
        // Weights save back whole, and a keyword replaces a tensor of the same name.
        _ = s.run("save(\"b.safetensors\", w, b=[9, 9, 9])")
        XCTAssertEqual(show("v = load(\"b.safetensors\"); v[\"b\"]", in: s), show("[9, 9, 9]", in: s))
        XCTAssertEqual(show("v[\"W\"][1, 2]", in: s), "6")
        // The header is what the format says: length, JSON, data aligned to 8 bytes.
        let bytes = [UInt8](FileManager.default.contents(atPath: directory + "/a.safetensors")!)
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        XCTAssertEqual((8 + n) % 8, 0)
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{\"W\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 24]}"), header)
        XCTAssertEqual(bytes.count, 8 + n + 9 * 4)
    }

    func testUnknownNamesAreSuggested() {
        let s = session()
        _ = s.run("save(\"a.safetensors\", features_weight=[1]); w = load(\"a.safetensors\")")
        let e = failure("w[\"features_wieght\"]", in: s)
        XCTAssertEqual(e?.message, "no tensor named \"features_wieght\" in these weights (1 tensor); did you mean \"features_weight\"?")
        XCTAssertEqual(failure("w[0]", in: s)?.message, "weights are indexed by a name in quotes, got a number")
        XCTAssertEqual(failure("save(\"c.safetensors\")", in: s)?.message,
                       "save needs weights or at least one tensor by name: save(\"w.safetensors\", W=W)")
        XCTAssertEqual(failure("save(\"c.safetensors\", x=\"text\")", in: s)?.message, "`x` must be a tensor to be saved, got a string")
    }

    /// Writes `bytes` to a file and returns the message `load` fails with.
    func loadFailure(_ bytes: [UInt8]) -> String? {
        let path = directory + "/bad.safetensors"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return failure("load(\"bad.safetensors\")", in: session())?.message
    }

    func file(header: String, data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        var out: [UInt8] = []
        var n = UInt64(h.count)
        for _ in 0..<8 { out.append(UInt8(n & 0xff)); n >>= 8 }
        return out + h + data
    }

    func testBrokenFilesGiveOneLineNamingTheProblem() {
        let prefix = "`bad.safetensors` cannot be loaded: "
        XCTAssertEqual(loadFailure([1, 2, 3]), prefix + "it is 3 bytes long, shorter than the 8-byte header length: not a safetensors file")
        XCTAssertEqual(loadFailure([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
                       prefix + "its header claims 9223372036854775807 bytes, more than the format's limit of 100000000: not a safetensors file")
        XCTAssertEqual(loadFailure([100, 0, 0, 0, 0, 0, 0, 0, 0x7b]), prefix + "its header claims 100 bytes but the file has only 1 after the length: truncated")
        XCTAssertEqual(loadFailure(file(header: "{\"a\": ", data: [])), prefix + "its header is not valid JSON (line 1, column 7: unexpected end of the text): corrupt")
        XCTAssertEqual(loadFailure(file(header: "[1]", data: [])), prefix + "its header is not a JSON object: corrupt")
        XCTAssertEqual(loadFailure(file(header: "{\"a\":{\"dtype\":\"Q8\",\"shape\":[1],\"data_offsets\":[0,1]}}", data: [0])),
                       prefix + "`a` has dtype Q8, which Glassbox cannot read")
        // A shape far larger than the file: refused before any allocation.
        XCTAssertEqual(loadFailure(file(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[100000,100000,100000],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0])),
                       prefix + "`a` claims shape 100000×100000×100000, more than the file holds")
        XCTAssertEqual(loadFailure(file(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", data: [0, 0, 0, 0])),
                       prefix + "`a` ends at byte 8 of the data, but the file holds only 4: truncated")
        XCTAssertEqual(loadFailure(file(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0])),
                       prefix + "`a` has 4 bytes for 2 F32 values (8 expected)")
        XCTAssertEqual(loadFailure(file(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}",
                                        data: [UInt8](repeating: 0, count: 8))), prefix + "the data of `a` and `b` overlap")
        XCTAssertEqual(loadFailure(file(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0])),
                       prefix + "`a` has a shape entry that is not a whole number ≥ 0")
    }

    func testEveryDtypeBecomesFloat32() {
        // F16 1.5 = 0x3E00, −2 = 0xC000; BF16 1.5 = 0x3FC0; F64 0.25; I64 −3; U8 200; BOOL 1; I8 −5.
        let header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
            + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]},"
            + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[6,14]},"
            + "\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[14,22]},"
            + "\"u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[22,23]},"
            + "\"t\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[23,24]},"
            + "\"c\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[24,25]},"
            + "\"__metadata__\":{\"format\":\"pt\"}}"
        var data: [UInt8] = [0x00, 0x3e, 0x00, 0xc0, 0xc0, 0x3f]
        data += withUnsafeBytes(of: (0.25 as Double).bitPattern.littleEndian) { Array($0) }
        data += withUnsafeBytes(of: UInt64(bitPattern: -3).littleEndian) { Array($0) }
        data += [200, 1, 0xfb]
        FileManager.default.createFile(atPath: directory + "/t.safetensors", contents: Data(file(header: header, data: data)))
        let s = session()
        XCTAssertEqual(show("w = load(\"t.safetensors\"); len(w)", in: s), "7", "__metadata__ is not a tensor")
        XCTAssertEqual(show("w[\"h\"]", in: s), show("[1.5, -2]", in: s))
        XCTAssertEqual(show("w[\"bf\"][0]", in: s), "1.5")
        XCTAssertEqual(show("w[\"d\"][0]", in: s), "0.25")
        XCTAssertEqual(show("w[\"i\"][0]", in: s), "-3")
        XCTAssertEqual(show("w[\"u\"][0] + w[\"t\"][0] + w[\"c\"][0]", in: s), "196")
        XCTAssertEqual(Safetensors.halfToFloat(0x0001), 0x1p-24, "the smallest subnormal")
        XCTAssertEqual(Safetensors.halfToFloat(0x7c00), .infinity)
        XCTAssertTrue(Safetensors.halfToFloat(0x7e00).isNaN)
    }

    func testIncludeRunsAFileFromItsOwnFolder() throws {
        try FileManager.default.createDirectory(atPath: directory + "/models", withIntermediateDirectories: true)
        try "include \"helpers.gbx\"\ndouble(x) = 2 * helper(x)\n".write(toFile: directory + "/models/main.gbx", atomically: true, encoding: .utf8)
        try "helper(x) = x + 1\nloaded = 1\n".write(toFile: directory + "/models/helpers.gbx", atomically: true, encoding: .utf8)
        try "y = 1 +\n".write(toFile: directory + "/models/broken.gbx", atomically: true, encoding: .utf8)
        try "include \"loop.gbx\"\n".write(toFile: directory + "/models/loop.gbx", atomically: true, encoding: .utf8)
        try "z = undefined_thing + 1\n".write(toFile: directory + "/models/fails.gbx", atomically: true, encoding: .utf8)
        let s = session()
        XCTAssertEqual(show("include \"models/main.gbx\"\ndouble(3)", in: s), "8")
        XCTAssertEqual(show("loaded", in: s), "1")
        let syntax = failure("include \"models/broken.gbx\"", in: s)
        XCTAssertEqual(syntax?.source.name, directory + "/models/broken.gbx", "the caret is in the included file")
        XCTAssertTrue(syntax?.notes.last?.hasPrefix("in the file included at <input>, line 1") == true, "\(syntax?.notes ?? [])")
        XCTAssertEqual(failure("include \"models/loop.gbx\"", in: s)?.message, "includes nested more than 16 deep (does a file include itself?)")
        let runtime = failure("x = 5\ninclude \"models/fails.gbx\"", in: s)
        XCTAssertEqual(runtime?.kind, .unknownName)
        XCTAssertEqual(runtime?.source.name, directory + "/models/fails.gbx")
        XCTAssertEqual(show("x", in: s), "5", "what ran before the failing include stays")
        XCTAssertEqual(failure("include \"models/none.gbx\"", in: s)?.kind, .value)
        XCTAssertEqual(failure("f(x) = { include \"models/main.gbx\" }", in: s)?.kind, .syntax)
    }

    func testStrAndLogicalOperators() {
        let s = session()
        XCTAssertEqual(show("\"features.\" + str(3) + \".conv\"", in: s), "\"features.3.conv\"")
        XCTAssertEqual(show("str(0.5) + \",\" + str(-2) + \",\" + str(\"a\")", in: s), "\"0.5,-2,a\"")
        XCTAssertEqual(show("(1 and 1) + (1 and 0) * 10 + (0 or 1) * 100 + (0 or 0) * 1000", in: s), "101")
        XCTAssertEqual(show("not 0", in: s), "1")
        XCTAssertEqual(show("not 2 == 3", in: s), "1", "not is below the comparisons")
        XCTAssertEqual(show("0 and undefined_name", in: s), "0", "and short-circuits")
        XCTAssertEqual(show("1 or undefined_name", in: s), "1", "or short-circuits")
        XCTAssertEqual(show("1 < 2 and 2 < 3 or 0", in: s), "1")
        XCTAssertEqual(failure("[1, 2] and 1", in: s)?.kind, .shape)
        XCTAssertEqual(failure("and = 3", in: s)?.kind, .syntax)
    }
}
