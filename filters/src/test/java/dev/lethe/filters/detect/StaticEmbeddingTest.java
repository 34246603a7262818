package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped static table: its shape, and the vectors it gives. */
class StaticEmbeddingTest {
  private static StaticEmbedding table;

  @BeforeAll
  static void load() {
    table = StaticEmbedding.load();
  }

  @AfterAll
  static void close() {
    table.close();
  }

  @Test
  void theTableHasOneRowPerMiniLmWordpiece() throws IOException {
    assertThat(table.vocabulary()).isEqualTo(StaticTableDistiller.vocabulary().size());
    assertThat(table.vocabulary()).isEqualTo(30_522);
    assertThat(table.dimension()).isEqualTo(128);
    // a word row is not empty; a frequent token weighs less than a rare one (SIF)
    long[] the = table.tokenIds("the");
    long[] kuwait = table.tokenIds("kuwait");
    assertThat(the).hasSize(1);
    assertThat(kuwait).hasSize(1);
    assertThat(norm(table.row((int) kuwait[0]))).isGreaterThan(norm(table.row((int) the[0])));
  }

  @Test
  void vectorsAreUnitLengthAndDeterministic() {
    float[] a = table.embed("In which city was the author born?");
    assertThat(norm(a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(table.embed("In which city was the author born?")).containsExactly(a);
    assertThat(norm(table.embed("   "))).isZero();
    assertThat(norm(table.embed(""))).isZero();
  }

  @Test
  void relatedQuestionsAreCloserThanUnrelatedOnes() {
    float[] q = table.embed("Where was the novelist born?");
    double related = VectorMath.dot(q, table.embed("In which city was the writer born?"));
    double unrelated = VectorMath.dot(q, table.embed("How do I reverse a linked list in Java?"));
    assertThat(related).isGreaterThan(unrelated + 0.2);
  }

  @Test
  void aMalformedTableIsRefused() throws IOException {
    assertThatThrownBy(() -> StaticEmbedding.read(table(0x12345678, 1, 2, 2, 0)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a static table");
    assertThatThrownBy(() -> StaticEmbedding.read(table(StaticEmbedding.MAGIC, 1, 0, 2, 0)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("table shape");
    assertThatThrownBy(() -> StaticEmbedding.read(table(StaticEmbedding.MAGIC, 1, 2, 2, 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("trailing bytes");
    try (StaticEmbedding tiny = StaticEmbedding.read(table(StaticEmbedding.MAGIC, 1, 2, 2, 0))) {
      assertThat(tiny.vocabulary()).isEqualTo(2);
      assertThat(tiny.row(1)).containsExactly(0.5f, -0.5f);
    }
  }

  /** A table of {@code rows} rows of {@code dim} values (scale 0.5, values 1, -1, ...). */
  private static InputStream table(int magic, int version, int rows, int dim, int extra)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    out.writeInt(version);
    out.writeInt(rows);
    out.writeInt(dim);
    for (int r = 0; r < rows; r++) {
      out.writeFloat(0.5f);
      for (int d = 0; d < dim; d++) {
        out.writeByte(d % 2 == 0 ? 1 : -1);
      }
    }
    for (int i = 0; i < extra; i++) {
      out.writeByte(0);
    }
    return new ByteArrayInputStream(bytes.toByteArray());
  }

  private static double norm(float[] v) {
    return Math.sqrt(VectorMath.dot(v, v));
  }
}
