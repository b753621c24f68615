import MgvizExport

/// The sizes the page draws at, in points, and the widths of its texts as Graphviz estimates
/// them with its built-in metrics (Helvetica), which is how the SVG sizes its records too.
/// The page's script reads the constants from the page's data, so that both sides agree.
enum PageGeometry {
    static let recordFontSize = 11.0
    static let opFontSize = 10.0
    /// A record's field: its text, and 8 points of padding on each side (4 above and below).
    static let fieldPadding = (along: 16.0, across: 8.0)
    /// Graphviz's smallest node: 0.75 by 0.5 inches.
    static let minimumRecord = (width: 54.0, height: 36.0)
    /// An op's ellipse: its text with a margin of 0.05 by 0.02 inches, grown by √2 to hold
    /// it, and at least 0.75 by 0.3 inches.
    static let opMargin = (x: 7.2, y: 2.88)
    static let minimumOp = (width: 54.0, height: 21.6)
    /// Graphviz's line height: the font size times 1.2.
    static let lineSpacing = 1.2
    /// An open container's box around its inside: a margin, and a band at the top for its name.
    static let boxMargin = 8.0
    static let boxLabelBand = 22.0

    /// Helvetica's advance widths, in thousandths of the font size, from its AFM file, for
    /// the printable ASCII characters (32 to 126).
    private static let helvetica: [UInt16] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    ]
    /// Any other character: about a digit's width.
    private static let otherWidth: UInt16 = 600

    /// How wide `text` is at `size` points.
    static func width(_ text: String, size: Double) -> Double {
        var units = 0
        for scalar in text.unicodeScalars {
            let value = Int(scalar.value)
            units += Int(value >= 32 && value <= 126 ? helvetica[value - 32] : otherWidth)
        }
        return Double(units) * size / 1000
    }

    /// A record's fields along its axis (widths left to right for LR, heights top to bottom
    /// for TB), given each field's text width; and its size. Fields share what the record's
    /// minimum size adds, as Graphviz's do.
    static func record(textWidths: [Double], rankDirection: RankDirection) -> (fields: [Double], width: Double, height: Double) {
        let lineHeight = recordFontSize * lineSpacing + fieldPadding.across
        if rankDirection == .leftToRight {
            var fields = textWidths.map { $0 + fieldPadding.along }
            let total = fields.reduce(0, +)
            if total < minimumRecord.width {
                let extra = (minimumRecord.width - total) / Double(fields.count)
                fields = fields.map { $0 + extra }
            }
            return (fields, max(total, minimumRecord.width), max(lineHeight, minimumRecord.height))
        }
        let width = max(textWidths.map { $0 + fieldPadding.along }.max() ?? 0, minimumRecord.width)
        var fields = textWidths.map { _ in lineHeight }
        let total = fields.reduce(0, +)
        if total < minimumRecord.height {
            let extra = (minimumRecord.height - total) / Double(fields.count)
            fields = fields.map { $0 + extra }
        }
        return (fields, width, max(total, minimumRecord.height))
    }

    /// An op's ellipse for its text.
    static func op(_ text: String) -> (width: Double, height: Double) {
        let root2 = 2.0.squareRoot()
        let width = (self.width(text, size: opFontSize) + 2 * opMargin.x) * root2
        let height = (opFontSize * lineSpacing + 2 * opMargin.y) * root2
        return (max(width, minimumOp.width), max(height, minimumOp.height))
    }
}
