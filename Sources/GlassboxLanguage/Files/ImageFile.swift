import CImageCodecs
import GlassboxTensors

// MARK: - PNG and JPEG images

/// `load_image`: a PNG or JPEG file (decoded by libpng and libjpeg-turbo, `CImageCodecs`) as a
/// 3×H×W tensor of values in [0, 1], optionally resized as torchvision's `Resize(size)` +
/// `CenterCrop(size)` do for ImageNet models: the shorter side scaled to `size` (the longer to
/// ⌊size·long/short⌋), with PIL's antialiased bilinear filter (a triangle widened by the scale
/// when shrinking), then the centre size×size cut out.
enum ImageFile {
    /// Largest image decoded (a 64-megapixel photo), refused from its header before decoding.
    static let maxPixels = 64 << 20

    struct DecodeError: Error { let message: String }

    /// The pixels of PNG or JPEG bytes: width, height and 8-bit RGB, row by row.
    static func decode(_ bytes: [UInt8]) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        let isPNG = bytes.starts(with: [0x89, 0x50, 0x4e, 0x47])
        let isJPEG = bytes.starts(with: [0xff, 0xd8, 0xff])
        guard isPNG || isJPEG else { throw DecodeError(message: "it is neither a PNG nor a JPEG file") }
        var pixels: UnsafeMutablePointer<UInt8>? = nil
        var width: UInt32 = 0, height: UInt32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { data in
            message.withUnsafeMutableBufferPointer { m in
                isPNG ? gb_png_decode_rgb(data.baseAddress, data.count, maxPixels, &pixels, &width, &height, m.baseAddress, m.count)
                      : gb_jpeg_decode_rgb(data.baseAddress, data.count, maxPixels, &pixels, &width, &height, m.baseAddress, m.count)
            }
        }
        guard status == 0, let pixels else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DecodeError(message: (isPNG ? "not a readable PNG: " : "not a readable JPEG: ") + (text.isEmpty ? "corrupt" : text))
        }
        defer { gb_image_free(pixels) }
        let n = Int(width) * Int(height) * 3
        return (Int(width), Int(height), Array(UnsafeBufferPointer(start: pixels, count: n)))
    }

    /// The image as a 3×H×W tensor in [0, 1], resized and centre-cropped to size×size when
    /// `size` is given.
    static func tensor(_ image: (width: Int, height: Int, rgb: [UInt8]), size: Int?) throws -> Tensor {
        let w = image.width, h = image.height
        var planes = [Float](repeating: 0, count: 3 * w * h)
        for i in 0..<(w * h) {
            for c in 0..<3 { planes[c * w * h + i] = Float(image.rgb[i * 3 + c]) / 255 }
        }
        guard let size else { return try Tensor(shape: [3, h, w], data: planes) }
        let (nw, nh) = w <= h ? (size, Int(Double(size) * Double(h) / Double(w))) : (Int(Double(size) * Double(w) / Double(h)), size)
        let horizontal = resampleRows(planes, rows: 3 * h, from: w, to: nw)
        var resized = [Float](repeating: 0, count: 3 * nw * nh)
        // The vertical pass: columns of each plane, through the transposes the row pass needs.
        for c in 0..<3 {
            var t = [Float](repeating: 0, count: nw * h)
            for y in 0..<h { for x in 0..<nw { t[x * h + y] = horizontal[(c * h + y) * nw + x] } }
            let v = resampleRows(t, rows: nw, from: h, to: nh)
            for x in 0..<nw { for y in 0..<nh { resized[(c * nh + y) * nw + x] = v[x * nh + y] } }
        }
        let top = Int((Double(nh - size) / 2).rounded()), left = Int((Double(nw - size) / 2).rounded())
        return try Tensor.make([3, size, size], op: "load_image") { out in
            for c in 0..<3 {
                for y in 0..<size {
                    for x in 0..<size { out[(c * size + y) * size + x] = resized[(c * nh + y + top) * nw + x + left] }
                }
            }
        }
    }

    /// Each row of `x` (rows × from) resampled to `to` values with PIL's bilinear filter: output
    /// i centred at (i + ½)·scale in input coordinates, weights of the triangle max(0, 1 − |d|/support)
    /// with support = max(1, scale), normalized to sum 1 (PIL's `ImagingResample`).
    static func resampleRows(_ x: [Float], rows: Int, from: Int, to: Int) -> [Float] {
        let scale = Double(from) / Double(to)
        let support = max(1, scale)
        var taps: [(start: Int, weights: [Float])] = []
        for i in 0..<to {
            let centre = (Double(i) + 0.5) * scale
            let lo = max(0, Int((centre - support).rounded(.down))), hi = min(from, Int((centre + support).rounded(.up)))
            var weights: [Double] = []
            for j in lo..<max(lo, hi) { weights.append(max(0, 1 - abs((Double(j) + 0.5 - centre) / support))) }
            let total = weights.reduce(0, +)
            taps.append((lo, weights.map { Float(total > 0 ? $0 / total : 0) }))
        }
        var y = [Float](repeating: 0, count: rows * to)
        for r in 0..<rows {
            let base = r * from
            for i in 0..<to {
                var s: Float = 0
                for (k, wt) in taps[i].weights.enumerated() { s += wt * x[base + taps[i].start + k] }
                y[r * to + i] = s
            }
        }
        return y
    }
}
