import Foundation
import MgvizKit
import MgvizProcess
import Testing

/// `--theme light|dark|auto`: every text readable on its fill, in every theme and colouring.
@Suite struct Themes {
    /// WCAG's contrast ratio of two `#rrggbb` (or `white`, `black`) colours.
    static func contrast(_ a: String, _ b: String) -> Double {
        func luminance(_ color: String) -> Double {
            let hex = color == "white" ? "ffffff" : color == "black" ? "000000" : String(color.dropFirst())
            precondition(hex.count == 6, "not a colour: \(color)")
            let value = Int(hex, radix: 16)!
            let channels = [value >> 16, (value >> 8) & 255, value & 255].map { Double($0) / 255 }
            let linear = channels.map { $0 <= 0.04045 ? $0 / 12.92 : pow(($0 + 0.055) / 1.055, 2.4) }
            return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        }
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }

    /// An element of the SVG: its tag and attributes.
    struct Element {
        var tag: String
        var attributes: [String: String]
    }

    /// The CSS rules of an auto SVG's dark mode, as (tag or nil, attribute, value or nil for
    /// `:not([attribute])`, property, new colour), read from its `<style>`; the background's
    /// rule is the one on `.graph > polygon`.
    struct DarkRules {
        var rules: [(tag: String?, attribute: String, value: String?, property: String, color: String)] = []
        var background: String?

        init(_ svg: String) throws {
            let style = try #require(svg.range(of: "@media (prefers-color-scheme: dark) {")).upperBound
            let end = try #require(svg.range(of: "</style>")).lowerBound
            for line in svg[style..<end].split(separator: "\n") {
                let rule = line.trimmingCharacters(in: .whitespaces)
                guard let open = rule.firstIndex(of: "{"), let colon = rule[open...].firstIndex(of: ":") else { continue }
                let selector = rule[..<open].trimmingCharacters(in: .whitespaces)
                let property = rule[rule.index(after: open)..<colon].trimmingCharacters(in: .whitespaces)
                let color = rule[rule.index(after: colon)...].replacingOccurrences(of: ";", with: "").replacingOccurrences(of: "}", with: "")
                    .trimmingCharacters(in: .whitespaces)
                if selector.hasPrefix(".graph > polygon") { background = color; continue }
                if selector.hasSuffix(":not([fill])") {
                    rules.append((String(selector.prefix { $0 != ":" }), "fill", nil, property, color))
                    continue
                }
                let tag = selector.hasPrefix("[") ? nil : String(selector.prefix { $0 != "[" })
                let inside = selector.drop { $0 != "[" }.dropFirst().dropLast()
                let parts = inside.split(separator: "=", maxSplits: 1)
                rules.append((tag, String(parts[0]), String(parts[1].dropFirst().dropLast()), property, color))
            }
        }

        /// The colour `property` has on `element` in dark mode.
        func color(_ property: String, of element: Element, default light: String) -> String {
            for rule in rules where rule.property == property && (rule.tag == nil || rule.tag == element.tag) {
                let value = element.attributes[rule.attribute]
                if rule.value == nil ? value == nil : value == rule.value { return rule.color }
            }
            return element.attributes[property] ?? light
        }
    }

    /// The elements of the SVG, in order, each with the `id` of the node group it is in.
    static func elements(_ svg: String) -> [(node: String?, element: Element)] {
        var result: [(String?, Element)] = []
        // The node each open group is in: a node's shapes sit in groups inside its own.
        var groups: [String?] = []
        let scanner = svg.components(separatedBy: "<").dropFirst()
        for piece in scanner {
            if piece.hasPrefix("/g") { _ = groups.popLast(); continue }
            let tag = String(piece.prefix { $0.isLetter })
            guard !tag.isEmpty else { continue }
            var attributes: [String: String] = [:]
            let head = piece.prefix { $0 != ">" }
            let pattern = try! NSRegularExpression(pattern: #"([a-z-]+)="([^"]*)""#)
            let text = String(head)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                attributes[String(text[Range(match.range(at: 1), in: text)!])] = String(text[Range(match.range(at: 2), in: text)!])
            }
            if tag == "g" {
                groups.append(attributes["class"] == "node" ? attributes["id"] : groups.last ?? nil)
                continue
            }
            result.append((groups.last ?? nil, Element(tag: tag, attributes: attributes)))
        }
        return result
    }

    /// Every text's contrast with what it is drawn on: its node's fill, or the background
    /// for titles, cluster names and the plain stubs of cut edges.
    static func worstContrast(_ svg: String, dark: DarkRules?) -> (ratio: Double, where: String) {
        var worst = (ratio: Double.infinity, where: "")
        let all = elements(svg)
        let backgroundElement = all.first { $0.element.tag == "polygon" && $0.node == nil }!.element
        let background = dark?.background ?? backgroundElement.attributes["fill"]!
        var fillOfNode: [String: String] = [:]
        for (node, element) in all {
            guard let node else { continue }
            if ["polygon", "ellipse", "path"].contains(element.tag), fillOfNode[node] == nil,
               let fill = element.attributes["fill"], fill != "none" {
                fillOfNode[node] = dark?.color("fill", of: element, default: fill) ?? fill
            }
        }
        for (node, element) in all where element.tag == "text" {
            let color = dark?.color("fill", of: element, default: "#000000") ?? element.attributes["fill"] ?? "#000000"
            let under = node.flatMap { fillOfNode[$0] } ?? background
            let ratio = contrast(color, under)
            if ratio < worst.ratio { worst = (ratio, "\(node ?? "graph"): text \(color) on \(under)") }
        }
        return worst
    }

    static let drawings: [(sample: String, flags: [String])] = [
        ("dead_relu", []), ("wrong_expect", []), ("nan", []), ("mlp_lecture", []), ("mlp_lecture", ["--collapse", "neurons"]),
        ("softmax", ["--focus", "p3", "--depth", "1"]),
    ]

    @Test(arguments: ["light", "dark", "auto"], ["kind", "grad"])
    func everyTextIsReadable(theme: String, coloring: String) throws {
        for (name, flags) in Self.drawings {
            let result = try runMgviz([sample(name).path, "-o", "-", "--format", "svg", "--theme", theme, "--color", coloring] + flags)
            #expect(result.status == 0 || result.status == MgvizProcess.ExitStatus.wrong.rawValue, "\(result.stderr)")
            let svg = String(decoding: result.stdout, as: UTF8.self)
            let light = Self.worstContrast(svg, dark: nil)
            #expect(light.ratio >= 4.5, "\(name) \(flags) \(theme) \(coloring): \(light.ratio) at \(light.where)")
            if theme == "auto" {
                let dark = Self.worstContrast(svg, dark: try DarkRules(svg))
                #expect(dark.ratio >= 4.5, "\(name) \(flags) auto, dark, \(coloring): \(dark.ratio) at \(dark.where)")
            }
        }
    }

    @Test func autoIsOneSVGWithADarkModeQuery() throws {
        let light = try runMgviz([sample("softmax").path, "-o", "-", "--format", "svg"]).stdout
        let auto = String(decoding: try runMgviz([sample("softmax").path, "-o", "-", "--format", "svg", "--theme", "auto"]).stdout, as: UTF8.self)
        let dark = String(decoding: try runMgviz([sample("softmax").path, "-o", "-", "--format", "svg", "--theme", "dark"]).stdout, as: UTF8.self)
        // The light drawing, with the style as the root's first child.
        let style = try #require(auto.range(of: "<style>\n@media (prefers-color-scheme: dark) {\n"))
        let rootEnd = try #require(auto.range(of: "xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"))
        #expect(style.lowerBound == rootEnd.upperBound)
        let withoutStyle = auto.replacingCharacters(in: style.lowerBound..<auto.range(of: "</style>\n")!.upperBound, with: "")
        #expect(Data(withoutStyle.utf8) == light)
        // Its dark mode is the dark theme's colours: the background and the input's fill.
        let rules = try DarkRules(auto)
        #expect(rules.background == "#1b1d21" && dark.contains("fill=\"#1b1d21\""))
        #expect(rules.color("fill", of: Element(tag: "polygon", attributes: ["fill": "#cfe2ff"]), default: "") == "#1f3b61")
        #expect(dark.contains("fill=\"#1f3b61\"") && !dark.contains("#cfe2ff"))
        // A bitmap cannot follow the reader.
        let png = try runMgviz([sample("softmax").path, "-o", "-", "--format", "png", "--theme", "auto"])
        #expect(png.status == MgvizProcess.ExitStatus.usage.rawValue && png.stdout.isEmpty)
        #expect(png.stderr == "mgviz: error: --theme auto follows the reader's light or dark preference, which only SVG (and HTML) can; png takes --theme light or dark\n")
    }
}
