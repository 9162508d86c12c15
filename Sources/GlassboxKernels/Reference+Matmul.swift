/// Matrix multiplication.
extension Reference {

    /// General matrix multiply (the BLAS `sgemm` convention, row-major):
    ///
    ///     C = op(A)·op(B)            (accumulate = false)
    ///     C = C + op(A)·op(B)        (accumulate = true)
    ///     C[i, j] (+)= Σₚ op(A)[i, p] · op(B)[p, j]
    ///
    /// op(A) is m×k: A itself (m×k, A[i, p] = a[i·lda + p]) or, when `transA`, the transpose of a
    /// stored k×m matrix (A[i, p] = a[p·lda + i]). Likewise op(B) is k×n, stored k×n or (transB) n×k.
    /// C is m×n with C[i, j] = c[i·ldc + j]. `lda`, `ldb`, `ldc` are row strides in elements.
    ///
    /// Polls `Interrupt.isRequested` once per row of C and returns early when it is set (C is then
    /// partly written; the caller throws).
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        for i in 0..<m {
            if Interrupt.isRequested { return }
            let cRow = c + i * ldc
            if !accumulate { for j in 0..<n { cRow[j] = 0 } }
            for p in 0..<k {
                let aip = transA ? a[p * lda + i] : a[i * lda + p]
                if transB {
                    for j in 0..<n { cRow[j] += aip * b[j * ldb + p] }
                } else {
                    let bRow = b + p * ldb
                    for j in 0..<n { cRow[j] += aip * bRow[j] }
                }
            }
        }
    }
}
