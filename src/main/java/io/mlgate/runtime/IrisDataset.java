package io.mlgate.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Iris measurements as scikit-learn ships them: a header {@code rows,features,class names...} followed by rows
 * of four measurements and a class code.
 */
record IrisDataset(List<String> classNames, List<Sample> samples) {

    static final int FEATURES = 4;

    /** One flower: four measurements in cm (sepal length, sepal width, petal length, petal width) and its class. */
    record Sample(double[] features, int classIndex) {
        float[] featuresAsFloats() {
            float[] out = new float[features.length];
            for (int i = 0; i < features.length; i++) {
                out[i] = (float) features[i];
            }
            return out;
        }
    }

    IrisDataset {
        classNames = List.copyOf(classNames);
        samples = List.copyOf(samples);
    }

    static IrisDataset parse(byte[] csv) {
        String[] lines = new String(csv, StandardCharsets.UTF_8).split("\r?\n");
        if (lines.length < 2) {
            throw new IllegalArgumentException("iris CSV needs a header and at least one row");
        }
        String[] header = lines[0].trim().split(",");
        if (header.length < 3) {
            throw new IllegalArgumentException("iris CSV header must be: rows,features,class names...");
        }
        int expectedRows = parseCount(header[0], "row count");
        int features = parseCount(header[1], "feature count");
        if (features != FEATURES) {
            throw new IllegalArgumentException("iris CSV header declares " + features + " features; expected "
                    + FEATURES);
        }
        List<String> classNames = new ArrayList<>();
        for (int i = 2; i < header.length; i++) {
            classNames.add(header[i].trim());
        }
        List<Sample> samples = new ArrayList<>();
        for (int line = 1; line < lines.length; line++) {
            if (lines[line].isBlank()) {
                continue;
            }
            String[] cells = lines[line].trim().split(",");
            if (cells.length != FEATURES + 1) {
                throw new IllegalArgumentException("iris CSV line " + (line + 1) + " has " + cells.length
                        + " cells; expected " + (FEATURES + 1));
            }
            double[] values = new double[FEATURES];
            for (int f = 0; f < FEATURES; f++) {
                try {
                    values[f] = Double.parseDouble(cells[f].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("iris CSV line " + (line + 1) + " column " + (f + 1)
                            + " is not a number");
                }
                if (!Double.isFinite(values[f])) {
                    throw new IllegalArgumentException("iris CSV line " + (line + 1) + " column " + (f + 1)
                            + " is not finite");
                }
            }
            int classIndex;
            try {
                classIndex = Integer.parseInt(cells[FEATURES].trim());
            } catch (NumberFormatException e) {
                classIndex = -1;
            }
            if (classIndex < 0 || classIndex >= classNames.size()) {
                throw new IllegalArgumentException("iris CSV line " + (line + 1) + " has class code "
                        + cells[FEATURES].trim() + "; expected 0.." + (classNames.size() - 1));
            }
            samples.add(new Sample(values, classIndex));
        }
        if (samples.size() != expectedRows) {
            throw new IllegalArgumentException("iris CSV header declares " + expectedRows + " rows but has "
                    + samples.size());
        }
        return new IrisDataset(classNames, samples);
    }

    private static int parseCount(String cell, String what) {
        try {
            int n = Integer.parseInt(cell.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("iris CSV header " + what + " must be a positive integer");
    }
}
