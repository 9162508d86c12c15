// MARK: - Convolutional networks

extension GuidedWalks {
    /// MobileNetV2's inverted residual block (Sandler et al. 2018), stage by stage on a small
    /// input, one output pixel traced through it, its cost against a standard convolution
    /// (Howard et al. 2017) and batch norm folded into the convolution before it.
    static let mobilenet = GuidedWalk(name: "mobilenet", summary: "MobileNetV2's inverted residual block, one pixel traced through it", pages: [
        .init("""
            MobileNetV2's block (Sandler et al. 2018) takes a narrow map, widens it t = 4 times with
            a 1×1 convolution (expand), filters every wide channel on its own with a 3×3 depthwise
            convolution, and projects back down with a 1×1 convolution that has no ReLU6 (a linear
            bottleneck). Each convolution is followed by batch norm, here in eval mode with running
            statistics; the input is added back because the shape is kept. The shapes, stage by stage:
            """, code: """
            seed(13)
            x = randn(1, 8, 6, 6)
            E = randn(32, 8, 1, 1) * 0.5
            Dw = randn(32, 1, 3, 3) * 0.5
            P = randn(8, 32, 1, 1) * 0.3
            stats(c) = (rand(c) + 0.5, randn(c) * 0.1, rand(c) * 0.5 - 0.25, rand(c) + 0.5)
            (gE, bE, mE, vE) = stats(32)
            (gD, bD, mD, vD) = stats(32)
            (gP, bP, mP, vP) = stats(8)
            h1 = relu6(batch_norm(conv2d(x, E), mE, vE, gE, bE))
            h2 = relu6(batch_norm(conv2d(h1, Dw, padding=1, groups=32), mD, vD, gD, bD))
            h3 = batch_norm(conv2d(h2, P), mP, vP, gP, bP)
            out = h3 + x
            print("input", x.shape, "→ expand", h1.shape, "→ depthwise", h2.shape, "→ project", h3.shape, "→ + input", out.shape)
            feature_maps(h2, n=8, title="the first 8 of the 32 depthwise outputs")
            """),
        .init("""
            The depthwise convolution: each of the 32 channels has its own 3×3 filter (groups = 32),
            so an output sums 9 products, not 9·32. The explanation opens one output position:
            """, code: "explain conv2d(h1, Dw, padding=1, groups=32)"),
        .init("""
            One pixel, traced: output channel 0 at row 2, column 3. Wide channel k = 5 of the
            depthwise stage sums its 3×3 patch times its filter, batch norm scales and shifts it,
            ReLU6 clips it to [0, 6]; the projection sums all 32 wide channels at that pixel, batch
            norm again, then the residual adds the input there. The last line compares the trace
            with the block's own output.
            """, code: """
            i = 2
            j = 3
            k = 5
            patch = h1[0, k, i - 1:i + 2, j - 1:j + 2]
            d = sum(patch * Dw[k, 0])
            d_bn = (d - mD[k]) / sqrt(vD[k] + 1e-5) * gD[k] + bD[k]
            print("depthwise  Σ patch ⊙ filter =", d, "  batch norm:", d_bn, "  ReLU6:", relu6(d_bn), "  block:", h2[0, k, i, j])
            s = sum(P[0, :, 0, 0] * h2[0, :, i, j])
            s_bn = (s - mP[0]) / sqrt(vP[0] + 1e-5) * gP[0] + bP[0]
            traced = s_bn + x[0, 0, i, j]
            print("pointwise  Σ over 32 channels =", s, "  batch norm:", s_bn, "  + input:", traced)
            print("block output", out[0, 0, i, j], "  |traced − block| =", abs(traced - out[0, 0, i, j]))
            """),
        .init("""
            Why split the 3×3 convolution (Howard et al. 2017): a standard 3×3 convolution from 32 to
            8 channels on the 6×6 map costs H·W·9·C_in·C_out multiply-adds; the depthwise 3×3 plus the
            pointwise 1×1 cost H·W·9·C_in + H·W·C_in·C_out. The ratio is 1/C_out + 1/9 of the standard:
            """, code: """
            hw = 6 * 6
            standard = hw * 9 * 32 * 8
            separable = hw * 9 * 32 + hw * 32 * 8
            print("standard 3×3:", standard, "  depthwise + pointwise:", separable, "  ratio:", separable / standard, "= 1/8 + 1/9 =", 1 / 8 + 1 / 9)
            """),
        .init("""
            At inference, batch norm after a convolution is an affine map per output channel, so it
            can be folded into the convolution: with s = γ/√(σ² + ε), W′ = W·s (each output
            channel's filter scaled) and b′ = β − μ·s. Both ways, on the expand stage, and the largest
            difference between them (a few float roundings):
            """, code: """
            scale = gE / sqrt(vE + 1e-5)
            W_folded = E * reshape(scale, 32, 1, 1, 1)
            b_folded = bE - mE * scale
            two_ops = batch_norm(conv2d(x, E), mE, vE, gE, bE)
            one_op = conv2d(x, W_folded, b_folded)
            print("conv → batch norm vs folded conv: max |difference| =", max(abs(two_ops - one_op)))
            """),
    ])
}
