package io.mlgate.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println("mlgate");
    }
}
