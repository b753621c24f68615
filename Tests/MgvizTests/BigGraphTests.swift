import Foundation
import MgvizRender
import Testing

/// Issue 10: big graphs stay bounded. Layout times live in `mgviz-bench layout`, not here.
@Suite struct BigGraphs {
    /// Width and height from a PNG's IHDR chunk.
    func pixels(_ png: Data) -> (width: Int, height: Int) {
        let bytes = [UInt8](png)
        func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }

    @Test func bitmapSizeLowersTheResolutionOnlyPastTheCap() {
        let size = BitmapSize()
        #expect(size.dotsPerInch(width: 720, height: 720) == 96)  // 960 × 960 pixels
        // 72,000 × 72,000 points at 96 dpi would be 9.2e9 pixels; √(32e6 / 9.216e9) × 96.
        let lowered = size.dotsPerInch(width: 72_000, height: 72_000)
        #expect(abs(lowered - 96 * (32e6 / 9.216e9).squareRoot()) < 1e-9)
        #expect(abs(lowered * 1000 * lowered * 1000 - 32e6) < 1)
    }

    /// The expanded moons MLP once made a 1.16 GB PNG.
    @Test func bigPNGsStayWithinTheCap() throws {
        let result = try runMgviz([sample("moons_point").path, "-o", "-", "--format", "png"])
        #expect(result.status == 0)
        let (width, height) = pixels(result.stdout)
        #expect(width * height <= BitmapSize.defaultMaximumPixels && width * height > BitmapSize.defaultMaximumPixels * 9 / 10)
        let notes = result.stderr.split(separator: "\n")
        #expect(notes.count == 2 && notes[0] == "mgviz: note: \(sample("moons_point").path): the model's graph has 984 nodes; --collapse neurons draws each neuron as one node")
        #expect(notes[1].hasPrefix("mgviz: note: the PNG is drawn at "))
        #expect(result.stderr.hasSuffix(" dpi, not 96, to stay within 32 megapixels; write .svg or .pdf for every detail\n"))
    }

    @Test func collapseIsSuggestedForBigModelsOnly() throws {
        let collapsed = try runMgviz([sample("moons_point").path, "-o", "-", "--format", "dot", "--collapse", "neurons"])
        #expect(collapsed.status == 0 && collapsed.stderr.isEmpty)
        let lecture = try runMgviz([sample("mlp_lecture").path, "-o", "-", "--format", "dot"])
        #expect(lecture.status == 0 && lecture.stderr.isEmpty)
    }

    @Test func dpiScalesThePNG() throws {
        let normal = pixels(try runMgviz([sample("softmax").path, "-o", "-", "--format", "png"]).stdout)
        let double = try runMgviz([sample("softmax").path, "-o", "-", "--format", "png", "--dpi", "192"])
        #expect(double.status == 0 && double.stderr.isEmpty)
        let sharp = pixels(double.stdout)
        #expect(abs(sharp.width - 2 * normal.width) <= 2 && abs(sharp.height - 2 * normal.height) <= 2)
        let half = pixels(try runMgviz([sample("softmax").path, "-o", "-", "--format", "png", "--dpi", "48"]).stdout)
        #expect(abs(2 * half.width - normal.width) <= 2)
        let svg = try runMgviz([sample("softmax").path, "-o", "-", "--dpi", "192"])
        #expect(svg.status == 64 && svg.stderr.hasPrefix("Error: --dpi is for PNG output; svg has no pixels\n"))
        let zero = try runMgviz([sample("softmax").path, "-o", "-", "--format", "png", "--dpi", "0"])
        #expect(zero.status == 64 && zero.stderr.hasPrefix("Error: --dpi must be from 1 to 2400, got 0.0\n"))
    }
}
