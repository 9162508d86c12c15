import XCTest
import GlassboxLessons
@testable import GlassboxKernel

/// The wire format without sockets: signing, splitting frames, and the checks that drop a bad
/// message instead of crashing (Jupyter messaging spec 5.3, "The Wire Protocol").
final class MessageTests: XCTestCase {
    let signer = MessageSigner(key: "Jefe")

    func testSignatureIsHexHMACSHA256OverTheFramesInOrder() {
        // RFC 4231, test case 2, with the data split over two frames.
        let frames = [Array("what do ya ".utf8), Array("want for nothing?".utf8)]
        XCTAssertEqual(String(decoding: signer.signature(frames), as: UTF8.self),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(MessageSigner(key: "").signature(frames), [], "an empty key signs nothing")
    }

    func frames(_ content: String = "{\"code\":\"1 + 1\"}", sign: MessageSigner? = nil) -> [[UInt8]] {
        let parts = ["{\"msg_id\":\"a\",\"msg_type\":\"execute_request\",\"session\":\"s\",\"username\":\"u\",\"date\":\"\",\"version\":\"5.3\"}",
                     "{}", "{}", content].map { Array($0.utf8) }
        return [Array("client".utf8), Message.delimiter, (sign ?? signer).signature(parts)] + parts
    }

    func testASignedMessageParsesWithItsIdentities() throws {
        let message = try Message(frames: frames(), signer: signer)
        XCTAssertEqual(message.type, "execute_request")
        XCTAssertEqual(message.identities, [Array("client".utf8)])
        XCTAssertEqual(message.content["code"]?.stringValue, "1 + 1")
    }

    func testBadMessagesAreRejectedNotTrapped() {
        func rejection(_ frames: [[UInt8]]) -> String? {
            do { _ = try Message(frames: frames, signer: signer); return nil } catch { return "\(error)" }
        }
        XCTAssertEqual(rejection(frames(sign: MessageSigner(key: "other"))), "bad or missing signature")
        XCTAssertEqual(rejection(Array(frames().dropFirst(2))), "no <IDS|MSG> delimiter")
        XCTAssertEqual(rejection(Array(frames().dropLast())), "fewer than the five frames after the delimiter")
        XCTAssertEqual(rejection(frames("[1, 2]")), "the content frame is not a JSON object")
        XCTAssertEqual(rejection(frames("{\"code\": ")), "the content frame is not a JSON object")
        var garbled = frames()
        garbled[3] = [0xFF, 0xFE]
        XCTAssertNotNil(rejection(garbled))
    }

    func testWrittenFramesRoundTrip() throws {
        let headers = HeaderFactory()
        let reply = Message(identities: [Array("client".utf8)], header: headers.header("execute_reply"),
                            parentHeader: .object([("msg_id", .string("a"))]),
                            content: .object([("status", .string("ok")), ("text", .string("π \"quoted\"\n")), ("n", .number(3))]))
        let back = try Message(frames: reply.frames(signer: signer), signer: signer)
        XCTAssertEqual(back.content, reply.content)
        XCTAssertEqual(back.header["version"]?.stringValue, "5.3")
        XCTAssertEqual(back.parentHeader["msg_id"]?.stringValue, "a")
        XCTAssertEqual(reply.content.compactText, "{\"status\":\"ok\",\"text\":\"π \\\"quoted\\\"\\n\",\"n\":3}")
    }

    func testHeadersCarryAUUIDAndAnISODate() {
        let header = HeaderFactory().header("status")
        let id = header["msg_id"]?.stringValue ?? ""
        XCTAssertEqual(id.count, 36)
        XCTAssertEqual(Array(id)[14], "4", "a version 4 UUID")
        let date = header["date"]?.stringValue ?? ""
        XCTAssertTrue(date.hasSuffix("Z") && date.count == 27, date)
        XCTAssertNotEqual(HeaderFactory.uuid(), HeaderFactory.uuid())
    }
}
