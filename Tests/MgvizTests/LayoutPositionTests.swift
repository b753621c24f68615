import Foundation
import MgvizRender
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The page draws itself from the positions `Renderer.positions` reads. They were read from
/// Graphviz's `plain` output, which prints them with `%.5g` in inches: past 72,000 pt they
/// snapped to 7.2 pt, and the far end of a 10,000-value chain had zero-length edges and
/// overlapping nodes. Graphviz's SVG prints them with two decimals at any size, so it is the
/// reference here.
@Suite struct LayoutPositions {
    /// A chain of small nodes (3.6 pt) after one 10,100 inches long, so that they lie past
    /// 727,200 pt, where `plain` snapped positions to 72 pt: most of them fell on one point.
    static func farChain(_ rankDirection: String) -> String {
        let long = rankDirection == "LR" ? "width=10100, height=0.5" : "width=0.5, height=10100"
        return """
        digraph { graph [rankdir=\(rankDirection), ranksep=0.02]; node [shape=box, fixedsize=true, label="", width=0.05, height=0.05];
          edge [arrowhead=none]; long [\(long)]; long -> n1 -> n2 -> n3 -> n4 -> n5 -> n6 -> n7 -> n8; }
        """
    }

    @Test(arguments: ["LR", "TB"]) func farPositionsAreExact(_ rankDirection: String) throws {
        let dot = Self.farChain(rankDirection)
        let layout = try Renderer().positions(dot)
        let svg = try SVGPositions(try Renderer().render(dot, to: .svg))
        let across = rankDirection == "LR"

        #expect(layout.nodes.count == 9 && layout.edges.count == 8)
        #expect((across ? layout.width : layout.height) > 727_200)
        // Along the chain, each node is past the one before it, and apart from it (dot puts
        // its ranks whole points apart, at least 1.44 pt here).
        let chain = ["long"] + (1...8).map { "n\($0)" }
        let nodes = Dictionary(uniqueKeysWithValues: layout.nodes.map { ($0.name, $0) })
        for (before, after) in zip(chain, chain.dropFirst()) {
            let a = try #require(nodes[before]), b = try #require(nodes[after])
            let gap = across ? (b.x - b.width / 2) - (a.x + a.width / 2) : (b.y - b.height / 2) - (a.y + a.height / 2)
            #expect(gap >= 1.44, "\(before) to \(after): \(gap) pt apart")
        }
        for edge in layout.edges {
            let start = try #require(edge.points.first), end = try #require(edge.points.last)
            #expect(abs(start.x - end.x) + abs(start.y - end.y) > 1, "\(edge.tail) -> \(edge.head) has zero length")
        }

        // The same positions as Graphviz's SVG, whose y is negated and upwards from the bottom.
        #expect(svg.nodes.count == layout.nodes.count && svg.edges.count == layout.edges.count)
        func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 0.01 }
        for node in layout.nodes {
            let drawn = try #require(svg.nodes[node.name])
            #expect(near(node.x, drawn.x) && near(node.y, layout.height + drawn.y), "\(node.name) at \(node.x), \(node.y); SVG \(drawn)")
            #expect(near(node.width, drawn.width) && near(node.height, drawn.height), "\(node.name)'s size")
        }
        for edge in layout.edges {
            let drawn = try #require(svg.edges["\(edge.tail)->\(edge.head)"])
            #expect(drawn.count == edge.points.count)
            for (point, svgPoint) in zip(edge.points, drawn) {
                #expect(near(point.x, svgPoint.x) && near(point.y, layout.height + svgPoint.y), "\(edge.tail) -> \(edge.head)")
            }
        }
    }

    /// An edge's label has its centre where the SVG's text is anchored, up to the text's baseline.
    @Test func edgeLabelsArePlaced() throws {
        let layout = try Renderer().positions("digraph { a -> b [label=\"x\"]; a -> c }")
        let labelled = try #require(layout.edges.first { $0.head == "b" })
        let label = try #require(labelled.label)
        let a = try #require(layout.nodes.first { $0.name == "a" }), b = try #require(layout.nodes.first { $0.name == "b" })
        #expect(label.y > a.y && label.y < b.y)
        #expect(layout.edges.first { $0.head == "c" }?.label == nil)
    }
}

/// The nodes' boxes and the edges' spline points of Graphviz's SVG, in its coordinates.
private struct SVGPositions {
    var nodes: [String: (x: Double, y: Double, width: Double, height: Double)] = [:]
    var edges: [String: [(x: Double, y: Double)]] = [:]

    init(_ svg: [UInt8]) throws {
        let document = try XMLDocument(data: Data(svg))
        func numbers(_ text: String) -> [Double] {
            text.split(whereSeparator: { !"0123456789.-".contains($0) }).compactMap { Double($0) }
        }
        for group in try document.nodes(forXPath: "//*[local-name()='g'][@class='node']") {
            let title = try #require(try group.nodes(forXPath: "*[local-name()='title']").first?.stringValue)
            let polygon = try #require(try group.nodes(forXPath: "*[local-name()='polygon']/@points").first?.stringValue)
            let values = numbers(polygon)
            let xs = stride(from: 0, to: values.count, by: 2).map { values[$0] }
            let ys = stride(from: 1, to: values.count, by: 2).map { values[$0] }
            let (left, right, top, bottom) = (xs.min()!, xs.max()!, ys.min()!, ys.max()!)
            nodes[title] = ((left + right) / 2, (top + bottom) / 2, right - left, bottom - top)
        }
        for group in try document.nodes(forXPath: "//*[local-name()='g'][@class='edge']") {
            let title = try #require(try group.nodes(forXPath: "*[local-name()='title']").first?.stringValue)
            let path = try #require(try group.nodes(forXPath: "*[local-name()='path']/@d").first?.stringValue)
            let values = numbers(path)
            edges[title] = stride(from: 0, to: values.count - 1, by: 2).map { (values[$0], values[$0 + 1]) }
        }
    }
}
