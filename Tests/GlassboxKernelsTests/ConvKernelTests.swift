import XCTest
@testable import GlassboxKernels
import GlassboxKernelsFast

/// The three convolution paths of `Kernels.conv2dForward` / `conv2dBackward` (direct depthwise,
/// pointwise gemm, im2col + gemm) against the plain reference loops, on awkward sizes: widths
/// that leave tails of the 8-lane loops, strides and dilations whose windows run off the edge,
/// padding larger than a tap's reach, one image and several (the per-image split, and for
/// pointwise layers on small planes the batch gathered into one product).
final class ConvKernelTests: XCTestCase {
    struct Case {
        var g: ConvGeometry
        var label: String
    }

    static var cases: [Case] {
        var out: [Case] = []
        func add(_ n: Int, _ c: Int, _ h: Int, _ w: Int, _ o: Int, _ k: (Int, Int), s: (Int, Int) = (1, 1), p: (Int, Int) = (0, 0),
                 d: (Int, Int) = (1, 1), groups: Int = 1) {
            let g = ConvGeometry(batch: n, inChannels: c, height: h, width: w, outChannels: o, kernelHeight: k.0, kernelWidth: k.1,
                                 strideH: s.0, strideW: s.1, padH: p.0, padW: p.1, dilationH: d.0, dilationW: d.1, groups: groups)
            out.append(Case(g: g, label: "N\(n) C\(c) \(h)×\(w) → \(o), k\(k) s\(s) p\(p) d\(d) g\(groups)"))
        }
        // Depthwise: 3×3 stride 1 and 2, odd widths, dilation, a 5×5 kernel with big padding.
        add(2, 5, 9, 13, 5, (3, 3), p: (1, 1), groups: 5)
        add(3, 4, 10, 17, 4, (3, 3), s: (2, 2), p: (1, 1), groups: 4)
        add(1, 3, 7, 33, 3, (3, 3), s: (1, 2), p: (2, 1), d: (2, 1), groups: 3)
        add(2, 2, 6, 6, 2, (5, 5), p: (3, 3), groups: 2)
        add(1, 64, 8, 8, 64, (3, 3), p: (1, 1), groups: 64)     // large enough to split over the cores
        add(2, 3, 5, 11, 3, (3, 3), s: (3, 2), p: (3, 3), groups: 3)   // padding beyond the reach, stride 3
        add(1, 2, 9, 10, 2, (2, 2), s: (2, 2), groups: 2)             // even kernel, columns never read
        add(1, 2, 1, 1, 2, (3, 3), p: (2, 2), groups: 2)              // output larger than the input
        add(1, 3, 6, 35, 3, (3, 3), s: (2, 2), groups: 3)             // stride 2, 16-column deinterleave, no padding
        add(2, 2, 5, 48, 2, (3, 3), s: (2, 2), p: (2, 2), groups: 2)  // stride 2, even padding, whole 16-column runs
        // Rows narrower than eight columns, whose last lanes are stored into the next rows and
        // overwritten: 7×7 planes split over the cores (neighbouring planes belong to other
        // threads), stride 2 onto 7×7, and two-column rows whose eight lanes span four rows.
        add(1, 64, 7, 7, 64, (3, 3), p: (1, 1), groups: 64)
        add(2, 40, 14, 14, 40, (3, 3), s: (2, 2), p: (1, 1), groups: 40)
        add(2, 3, 6, 2, 3, (3, 3), p: (1, 1), groups: 3)
        add(1, 2, 5, 14, 2, (3, 3), p: (1, 1), groups: 2)
        // Padded copies that end in a masked register: stride 2 over 14 and 27 columns (one
        // partial sixteen; one whole and a partial), and stride 1 padded beyond the reach, whose
        // gradient copy starts to the left of the row.
        add(1, 3, 14, 14, 3, (3, 3), s: (2, 2), p: (1, 1), groups: 3)
        add(2, 2, 9, 27, 2, (3, 3), s: (2, 2), p: (1, 1), groups: 2)
        add(1, 2, 6, 12, 2, (3, 3), p: (3, 3), groups: 2)
        // Depthwise on planes of at most 4 outputs (the scalar loops): 2×2, stride 2 onto 2×2, 1×1, dilated.
        add(3, 5, 2, 2, 5, (3, 3), p: (1, 1), groups: 5)
        add(2, 4, 4, 3, 4, (3, 3), s: (2, 2), p: (1, 1), groups: 4)
        add(4, 70, 1, 1, 70, (3, 3), p: (1, 1), groups: 70)
        add(2, 3, 3, 4, 3, (3, 3), p: (2, 1), d: (2, 3), groups: 3)
        add(32, 96, 2, 2, 96, (3, 3), p: (1, 1), groups: 96)      // large enough to split over the cores
        // Pointwise: one image, several, large enough to thread.
        add(1, 7, 5, 9, 3, (1, 1))
        add(4, 16, 6, 7, 24, (1, 1))
        add(2, 96, 16, 16, 32, (1, 1))
        // Pointwise on planes narrower than 16 columns: one product over the whole batch.
        add(3, 10, 2, 2, 7, (1, 1))
        add(5, 33, 1, 1, 19, (1, 1))
        add(32, 96, 3, 5, 160, (1, 1))                       // large enough to thread
        // General: the stem (3×3 stride 2), grouped, dilated, 1×1 with stride, rectangular kernels.
        add(2, 3, 17, 15, 8, (3, 3), s: (2, 2), p: (1, 1))
        add(1, 3, 112, 45, 4, (3, 3), s: (2, 2), p: (1, 1))        // patch rows split over the cores, 8-wide stride-2 copies
        add(1, 6, 9, 11, 4, (3, 3), p: (1, 1), groups: 2)
        add(2, 4, 12, 10, 5, (3, 2), s: (2, 3), p: (2, 0), d: (2, 2))
        add(3, 5, 9, 9, 6, (1, 1), s: (2, 2))
        add(1, 2, 4, 4, 3, (4, 4), p: (2, 2))
        return out
    }

    func testEveryPathMatchesTheReferenceLoops() {
        var rng = SplitMix(seed: 41)
        for t in Self.cases {
            let g = t.g
            let x = rng.array(g.batch * g.inChannels * g.inPlane, -1, 1)
            let w = rng.array(g.outChannels * g.inPerGroup * g.taps, -1, 1)
            let b = rng.array(g.outChannels, -1, 1)
            let dy = rng.array(g.batch * g.outChannels * g.outPlane, -1, 1)
            var yRef = [Float](repeating: 0, count: dy.count), y = yRef
            var dxRef = [Float](repeating: 0, count: x.count), dx = [Float](repeating: 7, count: x.count)
            var dwRef = [Float](repeating: 0, count: w.count), dw = [Float](repeating: 7, count: w.count)
            var dbRef = [Float](repeating: 0, count: b.count), db = [Float](repeating: 7, count: b.count)
            var work = [Float](repeating: 0, count: max(1, Kernels.conv2dWorkspace(g)))
            Reference.conv2dForward(y: &yRef, x: x, w: w, bias: b, g: g)
            Reference.conv2dBackward(dx: &dxRef, dw: &dwRef, db: &dbRef, dy: dy, x: x, w: w, g: g)
            work.withUnsafeMutableBufferPointer { ws in
                Kernels.conv2dForward(y: &y, x: x, w: w, bias: b, g: g, workspace: ws.baseAddress)
                Kernels.conv2dBackward(dx: &dx, dw: &dw, db: &db, dy: dy, x: x, w: w, g: g, workspace: ws.baseAddress)
            }
            let reach = Double(g.inPerGroup * g.taps)
            assertFastClose(y, yRef.map(Double.init), tol: 2e-6 * reach, "forward \(t.label)")
            assertFastClose(dx, dxRef.map(Double.init), tol: 2e-6 * reach, "dx \(t.label)")
            assertFastClose(dw, dwRef.map(Double.init), tol: 2e-6 * Double(g.batch * g.outPlane), "dw \(t.label)")
            assertFastClose(db, dbRef.map(Double.init), tol: 2e-6 * Double(g.batch * g.outPlane), "db \(t.label)")
        }
    }

    /// The reference forward against the formula written out independently, on a case small
    /// enough to check by the definition (zero padding, groups, stride and dilation).
    func testReferenceForwardIsTheDefinition() {
        let g = ConvGeometry(batch: 1, inChannels: 2, height: 4, width: 5, outChannels: 2, kernelHeight: 2, kernelWidth: 3,
                             strideH: 2, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 2, groups: 2)
        XCTAssertEqual(g.outHeight, 3)   // ⌊(4 + 2 − 1·1 − 1)/2⌋ + 1
        XCTAssertEqual(g.outWidth, 3)    // ⌊(5 + 2 − 2·2 − 1)/1⌋ + 1
        let x = (0..<40).map { Float($0 % 7) - 3 }, w = (0..<12).map { Float($0) - 5 }
        var y = [Float](repeating: 0, count: 18)
        Reference.conv2dForward(y: &y, x: x, w: w, bias: nil, g: g)
        for o in 0..<2 {
            for r in 0..<3 {
                for s in 0..<3 {
                    var acc: Float = 0
                    for i in 0..<2 {
                        for j in 0..<3 {
                            let ih = r * 2 + i - 1, iw = s + j * 2 - 1
                            if ih >= 0 && ih < 4 && iw >= 0 && iw < 5 { acc += w[o * 6 + i * 3 + j] * x[o * 20 + ih * 5 + iw] }
                        }
                    }
                    XCTAssertEqual(y[o * 9 + r * 3 + s], acc, "o\(o) r\(r) s\(s)")
                }
            }
        }
    }
}
