import GlassboxTensors

// MARK: - Errors while running

/// An error thrown while evaluating, before it knows which `Source` its range is in: a user
/// function fills in its own source as the error leaves it, and the cell fills in the rest.
struct RuntimeError: Error {
    var kind: Diagnostic.Kind
    var message: String
    var range: SourceRange
    var notes: [String] = []
    var source: Source? = nil

    init(_ kind: Diagnostic.Kind, _ message: String, _ range: SourceRange, notes: [String] = []) {
        self.kind = kind
        self.message = message
        self.range = range
        self.notes = notes
    }

    func diagnostic(in fallback: Source) -> Diagnostic {
        Diagnostic(kind, message, source ?? fallback, range, notes: notes)
    }
}

extension RuntimeError {
    /// Any error from below the language, pointed at `range`.
    ///
    /// `TensorError` messages already name the op and both shapes; they keep their wording.
    static func from(_ error: any Error, at range: SourceRange) -> RuntimeError {
        if let e = error as? RuntimeError { return e }
        if let e = error as? TensorError {
            let kind: Diagnostic.Kind
            switch e {
            case .shapeMismatch: kind = .shape
            case .invalidAxis, .indexOutOfRange, .invalidIndex: kind = .index
            case .invalidDimension, .invalidArgument: kind = .value
            case .allocationTooLarge, .outOfTensorMemory: kind = .allocation
            case .interrupted: kind = .interrupted
            }
            var r = RuntimeError(kind, kind == .interrupted ? "interrupted" : e.description, range)
            if case .outOfTensorMemory = e { r.notes = [memoryNote] }
            return r
        }
        if let d = error as? Diagnostic {
            var r = RuntimeError(d.kind, d.message, d.range, notes: d.notes)
            r.source = d.source
            return r
        }
        return RuntimeError(.runtime, String(describing: error), range)
    }

    /// What keeps tensors alive, and how to let them go (after `outOfTensorMemory`).
    static let memoryNote = "a tensor stays in memory while a variable, `Out`, or the autograd graph of a result " +
        "computed from a param refers to it; reassign such variables (or use detach) to free it"

    static func interrupted(_ range: SourceRange) -> RuntimeError {
        RuntimeError(.interrupted, "interrupted", range)
    }
}
