/// Einstein summation (NumPy / PyTorch `einsum`) written with the other ops: each pair of operands
/// is permuted and reshaped so that the contraction is one batched matrix product, then the
/// result is permuted to the output's letters. `explain` shows those ops, the real work.

extension Ops {
    /// `einsum("ij,jk->ik", a, b)`: every letter is an axis; a letter shared by two operands and
    /// absent from the output is summed over (contracted); letters of one operand that are not in
    /// the output are summed out first. Without `->`, the output is the letters that appear once,
    /// in alphabetical order (NumPy's implicit mode). A letter repeated within one operand takes
    /// that operand's diagonal (`ii->i`; `ii` is the trace).
    public static func einsum(_ spec: String, _ operands: [Tensor]) throws -> Tensor {
        let name = "einsum"
        func fail(_ message: String) -> TensorError { .invalidArgument(op: name, message: message) }
        let text = spec.filter { $0 != " " }
        var parts: [String] = []
        var rest = Substring(text)
        while let r = rest.firstRange(of: "->") {
            parts.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        parts.append(String(rest))
        guard parts.count <= 2 else { throw fail("more than one `->` in \"\(spec)\"") }
        var inputs = parts[0].split(separator: ",", omittingEmptySubsequences: false).map { Array($0) }
        guard inputs.count == operands.count else {
            throw fail("\"\(spec)\" names \(inputs.count) operand(s), got \(operands.count)")
        }
        for (k, letters) in inputs.enumerated() {
            guard letters.allSatisfy({ $0.isLetter }) else { throw fail("operand \(k + 1)'s subscripts must be letters") }
            guard letters.count == operands[k].rank else {
                throw fail("operand \(k + 1) has \(operands[k].rank) axes but \"\(String(letters))\" names \(letters.count)")
            }
        }
        // The output's letters (implicit: those written once, alphabetically), from the subscripts as given.
        var written: [Character: Int] = [:]
        for letters in inputs { for c in letters { written[c, default: 0] += 1 } }
        let output: [Character] = parts.count == 2 ? Array(parts[1]) : written.filter { $0.value == 1 }.keys.sorted()
        // A letter repeated within one operand takes its diagonal (`ii->i`, the trace `ii`).
        var operands = operands
        for k in inputs.indices {
            while let (i, j) = repeatedPair(inputs[k]) {
                guard operands[k].shape[i] == operands[k].shape[j] else {
                    throw TensorError.shapeMismatch(op: name, operands[k].shape, operands[k].shape,
                                                    detail: "letter \(inputs[k][i]) has sizes \(operands[k].shape[i]) and \(operands[k].shape[j])")
                }
                operands[k] = try diagonal(operands[k], axis1: i, axis2: j)
                var letters = inputs[k]
                let c = letters[i]
                letters.remove(at: j)
                letters.remove(at: i)
                inputs[k] = letters + [c]
            }
        }
        var counts: [Character: Int] = [:]
        for letters in inputs { for c in letters { counts[c, default: 0] += 1 } }
        guard Set(output).count == output.count, output.allSatisfy({ counts[$0] != nil }) else {
            throw fail("the output \"\(String(output))\" must name each letter of the inputs at most once")
        }
        // Sizes agree wherever a letter appears.
        var size: [Character: Int] = [:]
        for (k, letters) in inputs.enumerated() {
            for (axis, c) in letters.enumerated() {
                let d = operands[k].shape[axis]
                if let s = size[c], s != d {
                    throw TensorError.shapeMismatch(op: name, operands[0].shape, operands[k].shape,
                                                    detail: "letter \(c) has sizes \(s) and \(d)")
                }
                size[c] = d
            }
        }
        var terms = Array(zip(operands, inputs))
        // Letters needed later: by the output or by another term.
        func needed(_ c: Character, besides skip: Set<Int>) -> Bool {
            output.contains(c) || terms.indices.contains { !skip.contains($0) && terms[$0].1.contains(c) }
        }
        // Sum out letters that only one term has and the output does not.
        for k in terms.indices {
            let (t, letters) = terms[k]
            let drop = letters.enumerated().filter { !needed($0.element, besides: [k]) }.map { $0.offset }
            if !drop.isEmpty {
                var x = t
                for axis in drop.reversed() { x = try sum(x, axis: axis) }
                terms[k] = (x, letters.enumerated().filter { !drop.contains($0.offset) }.map { $0.element })
            }
        }
        // Contract pairwise from the left.
        while terms.count > 1 {
            let (a, la) = terms.removeFirst()
            let (b, lb) = terms.removeFirst()
            let keepAfter = Set(output + terms.flatMap { $0.1 })
            let batch = la.filter { lb.contains($0) && keepAfter.contains($0) }
            let contracted = la.filter { lb.contains($0) && !keepAfter.contains($0) }
            let left = la.filter { !lb.contains($0) }, right = lb.filter { !la.contains($0) }
            func arrange(_ t: Tensor, _ letters: [Character], _ order: [Character]) throws -> Tensor {
                let axes = order.map { c in letters.firstIndex(of: c) ?? 0 }
                return axes == Array(0..<axes.count) ? t : try permute(t, axes)
            }
            func product(_ cs: [Character]) -> Int { cs.reduce(1) { $0 * (size[$1] ?? 1) } }
            let am = try reshape(arrange(a, la, batch + left + contracted), [product(batch), product(left), product(contracted)])
            let bm = try reshape(arrange(b, lb, batch + contracted + right), [product(batch), product(contracted), product(right)])
            let c = try reshape(matmul(am, bm), (batch + left + right).map { size[$0] ?? 1 })
            terms.insert((c, batch + left + right), at: 0)
        }
        let (result, letters) = terms[0]
        let axes = output.map { c in letters.firstIndex(of: c) ?? 0 }
        return axes == Array(0..<axes.count) ? result : try permute(result, axes)
    }

    /// The first two positions holding the same letter.
    static func repeatedPair(_ letters: [Character]) -> (Int, Int)? {
        for i in letters.indices { for j in (i + 1)..<letters.count where letters[j] == letters[i] { return (i, j) } }
        return nil
    }
}
