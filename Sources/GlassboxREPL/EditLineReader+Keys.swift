@preconcurrency import CLibEdit
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Tab completion and bracketed paste

extension EditLineReader {
    /// Tab: indents at the start of a line; otherwise completes the word before the cursor as
    /// far as all matches agree, and lists the matches when they disagree.
    func completeAtCursor() -> UInt8 {
        guard let info = el_line(editLine)?.pointee, let start = info.buffer, let cursor = info.cursor
        else { return UInt8(CC_ERROR) }
        let before = String(decoding: UnsafeRawBufferPointer(
            start: start, count: max(0, cursor - start)), as: UTF8.self)
        if before.allSatisfy({ $0 == " " || $0 == "\t" }) {
            _ = el_insertstr(editLine, "    ")
            return UInt8(CC_REFRESH)
        }
        guard let completer else { return UInt8(CC_REFRESH_BEEP) }
        let completion = completer(before)
        if completion.matches.isEmpty { return UInt8(CC_REFRESH_BEEP) }
        let common = completion.commonPrefix
        if common.count > completion.word.count {
            _ = el_insertstr(editLine, String(common.dropFirst(completion.word.count)))
            return UInt8(CC_REFRESH)
        }
        if completion.matches.count == 1 { return UInt8(CC_REFRESH) }
        writeToTerminal("\n" + Self.columns(completion.matches, width: Terminal.columns()))
        return UInt8(CC_REDISPLAY)
    }

    /// `}`, `]` or `)` typed where the line so far is only indentation: takes one level (four
    /// spaces) off first, undoing the indentation the continuation prompt offered.
    func insertClosing(_ key: Int32) -> UInt8 {
        guard let scalar = Unicode.Scalar(UInt32(bitPattern: key)),
              let info = el_line(editLine)?.pointee, let start = info.buffer, let cursor = info.cursor
        else { return UInt8(CC_ERROR) }
        let before = UnsafeRawBufferPointer(start: start, count: max(0, cursor - start))
        if before.count >= 4, before.allSatisfy({ $0 == UInt8(ascii: " ") }) {
            el_deletestr(editLine, 4)
        }
        _ = el_insertstr(editLine, String(Character(scalar)))
        return UInt8(CC_REFRESH)
    }

    /// Lays `names` out in columns, row by row, like a shell listing completions.
    static func columns(_ names: [String], width: Int) -> String {
        let cell = (names.map(\.count).max() ?? 0) + 2
        let perRow = max(1, width / max(cell, 1))
        var text = ""
        for (index, name) in names.enumerated() {
            let last = index % perRow == perRow - 1 || index == names.count - 1
            text += last ? name + "\n" : name + String(repeating: " ", count: cell - name.count)
        }
        return text
    }

    /// ESC [ 200 ~: the terminal is about to send pasted text, ending with ESC [ 201 ~. Reads it
    /// all and inserts it, newlines included, so a pasted block is one editable cell that runs
    /// on Return (rather than line by line as typed).
    func insertPaste() -> UInt8 {
        let end = Array(Self.pasteEnd.unicodeScalars)
        var scalars: [Unicode.Scalar] = []
        var wide: wchar_t = 0
        while el_wgetc(editLine, &wide) == 1 {
            guard let scalar = Unicode.Scalar(UInt32(bitPattern: wide)) else { continue }
            scalars.append(scalar)
            if scalars.count >= end.count, Array(scalars.suffix(end.count)) == end {
                scalars.removeLast(end.count)
                break
            }
        }
        var text = Self.normalizingPaste(String(String.UnicodeScalarView(scalars)))
        while text.last?.isWhitespace == true { text.removeLast() }
        if !text.isEmpty { _ = el_insertstr(editLine, text) }
        return UInt8(CC_REFRESH)
    }

    /// Terminals send a pasted newline as CR (some as CR LF); the language wants LF.
    static func normalizingPaste(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && afterCR {
                afterCR = false
                continue
            }
            afterCR = scalar == "\r"
            result.append(afterCR ? "\n" : scalar)
        }
        return String(result)
    }
}
