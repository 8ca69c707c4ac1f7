import Testing
@testable import BsbWorkflow

@Suite struct JSONValueTests {
    @Test func parsesAndKeepsKeyOrder() throws {
        let value = try JSONValue.parse(#"{"b": 1, "a": [true, null, "x\u00e9\n"], "c": -2.5e1}"#)
        #expect(value.objectValue?.map(\.key) == ["b", "a", "c"])
        #expect(value["a"] == .array([.bool(true), .null, .string("xé\n")]))
        #expect(value["c"]?.doubleValue == -25)
        #expect(try JSONValue.parse(value.serialized()) == value)
        #expect(try JSONValue.parse(value.serialized(pretty: true)) == value)
    }

    @Test(arguments: [
        ("{\n  \"a\": 1,\n  \"b\": }", 3, 8),
        ("{\"a\": 1,}", 1, 9),
        ("[1, 2", 1, 6),
        ("{\n\n   \"x\" 4}", 3, 8),
        ("{\"a\": tru}", 1, 7),
        ("{\"a\": 1} x", 1, 10),
        ("{\"é\": 01}", 1, 7),
    ])
    func reportsLineAndColumn(text: String, line: Int, column: Int) {
        do {
            _ = try JSONValue.parse(text)
            Issue.record("parsed malformed JSON \(text)")
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
        }
    }

    @Test func rejectsDuplicateKeys() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(#"{"a": 1, "a": 2}"#) }
    }
}

@Suite struct ConfigurationTests {
    @Test func parsesTheExamples() throws {
        let quick = try configuration(try exampleText("quickstart"))
        #expect(quick.name == "Starting example")
        #expect(quick.size == SIMD3(200, 200, 200))
        #expect(quick.chunkSize == SIMD3(100, 100, 100))
        #expect(quick.storage.engine == "fs")
        #expect(quick.cellTypes == [CellType(name: "base_type", radius: 2.5, density: 0.00039)])
        #expect(quick.placement.map(\.strategyName) == ["bsb.placement.RandomPlacement"])
        #expect(quick.placement[0].strategy is RandomPlacement)

        let medium = try configuration(try exampleText("medium"))
        #expect(medium.chunkSize == SIMD3(25, 25, 25))
        #expect(medium.cellTypes.map(\.count) == [1500, 1500])
        #expect(medium.connectivity[0].strategy is AllToAll)
        #expect(medium.connectivity[0].connectionSets.map(\.name) == ["A_to_B"])
    }

    /// Parses `text` expecting a configuration error; returns its description.
    func failure(_ text: String) -> String {
        do {
            _ = try configuration(text)
            Issue.record("accepted a bad configuration")
            return ""
        } catch let error as ConfigurationError {
            return error.description
        } catch {
            Issue.record("unexpected error \(error)")
            return ""
        }
    }

    @Test func unknownStrategyListsTheKnownOnes() throws {
        let message = failure(try quickstart { $0["placement"] = ["example_placement": ["strategy": "bsb.placement.Nope", "cell_types": ["base_type"], "partitions": ["base_layer"]]] })
        #expect(message == "placement.example_placement.strategy: unknown bsb.placement 'bsb.placement.Nope' (available: bsb.placement.FixedPositions, bsb.placement.ParticlePlacement, bsb.placement.RandomPlacement)")
    }

    @Test func danglingCellType() throws {
        let message = failure(try quickstart { $0["placement"] = ["place_A": ["strategy": "bsb.placement.RandomPlacement", "cell_types": ["base_type", "Z"], "partitions": ["base_layer"]]] })
        #expect(message == "placement.place_A.cell_types[1]: no cell type 'Z'")
    }

    @Test func danglingPartitionAndConnectivityType() throws {
        #expect(failure(try quickstart { $0["placement"] = ["p": ["strategy": "bsb.placement.RandomPlacement", "cell_types": ["base_type"], "partitions": ["nowhere"]]] })
            == "placement.p.partitions[0]: no partition 'nowhere'")
        #expect(failure(try quickstart { $0["connectivity"] = ["c": ["strategy": "bsb.connectivity.AllToAll", "presynaptic": ["cell_types": ["base_type"]], "postsynaptic": ["cell_types": ["Q"]]]] })
            == "connectivity.c.postsynaptic.cell_types[0]: no cell type 'Q'")
    }

    @Test func negativeThickness() throws {
        let message = failure(try quickstart { $0["partitions"] = ["base_layer": ["type": "layer", "thickness": -100]] })
        #expect(message == "partitions.base_layer.thickness: thickness must not be negative (got -100)")
    }

    @Test func unknownKeyAndWrongType() throws {
        #expect(failure(try quickstart { $0["cell_types"] = ["base_type": ["spatial": ["radius": 2.5, "density": 0.1, "colour": "red"]]] })
            == "cell_types.base_type.spatial.colour: unknown key")
        #expect(failure(try quickstart { $0["network"] = ["x": "wide", "y": 1, "z": 1] }) == "network.x: expected a number, got a string")
        #expect(failure(try quickstart { $0["extra"] = 1 }) == "extra: unknown key")
        #expect(failure(try quickstart { $0["network"] = ["x": 100, "y": 100, "z": 100, "chunk_size": [10, 0, 10]] }) == "network.chunk_size[1]: must be a positive size in µm")
    }

    @Test func storageEngineWeLack() throws {
        let message = failure(try quickstart { $0["storage"] = ["engine": "hdf5", "root": "network.hdf5"] })
        #expect(message == "storage.engine: unknown storage engine 'hdf5' (available: fs)")
    }

    @Test func malformedJSONGivesLineAndColumn() throws {
        let text = "{\n  \"name\": \"x\",\n  \"network\": {\"x\": 1 \"y\": 2}\n}"
        let message = failure(text)
        #expect(message == "malformed JSON at line 3, column 22: unexpected '\"', expected ',' or '}'")
    }

    @Test func loadNamesTheFile() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("bad.json", "{\"network\": [}")
        do {
            _ = try NetworkConfiguration.load(path: path)
            Issue.record("accepted")
        } catch let error as ConfigurationError {
            #expect(error.description.hasPrefix("\(path): malformed JSON at line 1, column 14"))
        }
    }

    @Test func shortStrategyNamesResolve() throws {
        let config = try configuration(try quickstart { $0["placement"] = ["p": ["strategy": "ParticlePlacement", "cell_types": ["base_type"], "partitions": ["base_layer"]]] })
        #expect(config.placement[0].strategy is ParticlePlacement)
    }
}
