// MARK: - NumPy and PyTorch spellings

/// Names a learner brings from NumPy or PyTorch that Glassbox spells differently, so that the
/// error says what to write instead of guessing at a typo: `concatenate` and `cat` are
/// `concat`, `keepdims` is `keepdim`, `np.` and `torch.` prefixes are not needed.
enum Spellings {
    /// Function names: theirs → ours (with a word of explanation where it helps).
    static let functions: [String: String] = [
        "concatenate": "concat", "cat": "concat", "hstack": "concat", "vstack": "concat",
        "amax": "max", "amin": "min", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arctan2": "atan2",
        "absolute": "abs", "power": "pow", "expand_dims": "unsqueeze", "ravel": "flatten", "swapaxes": "transpose",
        "take_along_axis": "gather", "index_select": "take", "dot": "matmul (or @)", "mm": "matmul (or @)",
        "bmm": "matmul (or @)", "manual_seed": "seed", "size": "numel (or x.shape)", "empty": "zeros",
        "empty_like": "zeros_like", "vector_norm": "norm", "clip_by_value": "clip", "broadcast_to": "expand",
        "tile": "repeat", "sigmoid_": "sigmoid", "hardtanh": "clip", "swish": "silu",
        "array": "a literal: [1, 2, 3]", "asarray": "a literal: [1, 2, 3]", "tensor": "a literal: [1, 2, 3]",
        "Tensor": "a literal: [1, 2, 3]", "cross_entropy_loss": "cross_entropy", "mse_loss": "mse",
        "no_grad": "detach(x)", "zero_grad": "nothing: backward replaces gradients",
    ]

    /// Keyword arguments: theirs → ours.
    static let keywords: [String: String] = [
        "keepdims": "keepdim", "dim": "axis", "dims": "axis", "axes": "axis", "unbiased": "correction",
        "ddof": "correction", "a_min": "min", "a_max": "max", "input": "x",
    ]

    /// Module prefixes a learner may type (`np.exp`): Glassbox's functions are built in.
    static let modules: Set<String> = ["np", "numpy", "torch", "F", "nn", "math", "jnp", "tf"]

    /// "; Glassbox spells it `concat`", or nil.
    static func functionHint(_ name: String) -> String? {
        functions[name].map { "; Glassbox spells it `\($0)`".replacingAll(" (or @)`", with: "` (or `@`)") }
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation in this module).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = "", rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
