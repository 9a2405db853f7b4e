/** A program that uses conv4j from its own module: only the packages conv4j-core exports are visible. */
module com.example.consumer {
    requires org.conv4j.core;
    requires java.desktop; // BufferedImage
}
