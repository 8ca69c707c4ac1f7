/// Places each cell at a uniformly random point of the chunk's part of the partitions. Cells may overlap;
/// the packing factor is checked (see `Packing`).
public struct RandomPlacement: PlacementStrategy {
    public init() {}

    public func place(chunk: Chunk, indicators: [PlacementIndicator], random: inout RandomSource) throws -> [CellPositions] {
        var result: [CellPositions] = []
        result.reserveCapacity(indicators.count)
        for indicator in indicators {
            try Packing.check(indicator)
            let boxes = indicator.regions.map(\.box)
            let n = indicator.count
            guard n > 0, !boxes.isEmpty else {
                result.append(CellPositions(cellType: indicator.cellType.name, coordinates: []))
                continue
            }
            // Cumulative volumes to pick a region in proportion to its volume.
            var cumulative: [Double] = []
            var total = 0.0
            for box in boxes {
                total += box.volume
                cumulative.append(total)
            }
            let coordinates = [Double](unsafeUninitializedCapacity: 3 * n) { buffer, initialized in
                for i in 0..<n {
                    var box = boxes[0]
                    if boxes.count > 1 {
                        let pick = random.nextUnit() * total
                        box = boxes[cumulative.firstIndex { pick < $0 } ?? (boxes.count - 1)]
                    }
                    let p = random.point(in: box)
                    buffer[3 * i] = p.x
                    buffer[3 * i + 1] = p.y
                    buffer[3 * i + 2] = p.z
                }
                initialized = 3 * n
            }
            result.append(CellPositions(cellType: indicator.cellType.name, coordinates: coordinates))
        }
        return result
    }

    static let factory = PlacementFactory { _ in RandomPlacement() }
}
