// MARK: - How a shape is written

extension Shape {
    /// `2×3`; `scalar` for rank 0.
    public static func text(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
    }
}
