package org.conv4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.conv4j.io.ImageSpec;
import org.conv4j.layers.NamedParam;
import org.conv4j.model.Model;
import org.conv4j.train.TrainConfig;
import org.conv4j.train.TrainListener;
import org.conv4j.util.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone cluster on 127.0.0.1: a Master and two Workers (1 core each) started from Spark's own
 * classes in JVMs of their own, whose executors are JVMs of their own too. Training there must give the
 * weights of one JVM bit for bit, also when an executor JVM is killed in the middle of an epoch.
 */
class StandaloneClusterTest {
    @TempDir static Path tmp;
    static final List<Process> daemons = new ArrayList<>();
    static String masterUrl;
    static Path data;

    static final TrainConfig CONFIG = TrainConfig.defaults().withBatchSize(24).withEpochs(2).withSeed(7);

    /** The JVM flags every Spark JVM here needs: the Vector API (the same kernels as this JVM) and Spark's opens. */
    static List<String> jvmFlags() {
        List<String> f = new ArrayList<>();
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-modules") || a.startsWith("--enable-native-access")
                    || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty") || a.startsWith("-Dconv4j")) f.add(a);
        }
        return f;
    }

    static Process daemon(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags());
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
        // The worker builds its executors' command line from SPARK_HOME (an empty jars/ folder: the class path
        // comes from spark.executor.extraClassPath) and the Scala version.
        pb.environment().put("SPARK_HOME", tmp.resolve("spark-home").toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        Process p = pb.start();
        daemons.add(p);
        return p;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    @BeforeAll
    static void startCluster() throws Exception {
        data = TinyData.write(tmp.resolve("data"), 100, 40, 1);
        Files.createDirectories(tmp.resolve("spark-home/jars"));
        int port = freePort();
        masterUrl = "spark://127.0.0.1:" + port;
        daemon("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0");
        for (int w = 1; w <= 2; w++) {
            daemon("worker" + w, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                    "--webui-port", "0", "--work-dir", tmp.resolve("work" + w).toString(), masterUrl);
        }
        // On a busy machine the daemons take a while to start: an application that connects before the master
        // listens gives up after its retries. Wait until both workers have registered.
        long deadline = System.nanoTime() + 240_000_000_000L;
        while (!registered(1) || !registered(2)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the workers did not register in 240 s:\n" + logs());
            Thread.sleep(500);
        }
    }

    static boolean registered(int worker) throws IOException {
        Path log = tmp.resolve("worker" + worker + ".log");
        return Files.exists(log) && Files.readString(log).contains("Successfully registered with master");
    }

    @AfterAll
    static void stopCluster() {
        for (Process p : daemons) p.destroyForcibly();
    }

    static SparkSession session() {
        return SparkSession.builder().master(masterUrl).appName("conv4j-cluster-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.executor.memory", "512m").config("spark.cores.max", "2")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.executor.extraJavaOptions", String.join(" ", jvmFlags()))
                .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                .config("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s")
                .getOrCreate();
    }

    /** The tails of the daemons' and executors' logs, for a failure message. */
    static String logs() {
        StringBuilder b = new StringBuilder();
        try (var files = Files.walk(tmp)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log") || f.getFileName().toString().equals("stderr")).toList()) {
                List<String> lines = Files.readAllLines(f);
                b.append("== ").append(f).append('\n');
                for (String l : lines.subList(Math.max(0, lines.size() - 15), lines.size())) b.append(l).append('\n');
            }
        } catch (IOException e) {
            b.append(e);
        }
        return b.toString();
    }

    /** The executor JVMs of this application on this machine. */
    static List<ProcessHandle> executors(String appId) {
        return ProcessHandle.allProcesses().filter(p -> {
            // /proc/PID/cmdline in full: ProcessHandle.Info may leave out the arguments of a long command line.
            try {
                String c = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), java.nio.charset.StandardCharsets.UTF_8);
                return c.contains("CoarseGrainedExecutorBackend") && c.contains(appId);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }).toList();
    }

    @Test
    void twoWorkersTrainAsOneJvmEvenWhenAnExecutorDies() throws Exception {
        List<float[]> oneJvm = SparkTrainExactTest.singleJvmOn(data, CONFIG);
        List<float[]> oneJvmTwoShards = SparkTrainExactTest.singleJvmOn(data, CONFIG.withShards(2));
        SparkSession spark = session();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            String app = sc.sc().applicationId();
            for (int i = 0; i < 120 && executors(app).size() < 2; i++) Thread.sleep(500);
            assertEquals(2, executors(app).size(), () -> "executor JVMs of application " + app + "; logs:\n" + logs());

            // One shard: bitwise the single-JVM trainer, every step, computed on the other JVMs.
            assertSameEveryStep(oneJvm, train(sc, CONFIG, 1, 0), "cluster S=1");

            // Two shards on two executors: conv4j train --shards 2, once undisturbed and once with an executor JVM
            // killed at step 4.
            List<float[]> calm = train(sc, CONFIG.withShards(2), 2, 0);
            assertSameEveryStep(oneJvmTwoShards, calm, "cluster S=2 P=2 vs conv4j train --shards 2");
            List<float[]> killed = train(sc, CONFIG.withShards(2), 2, 4);
            assertSameEveryStep(calm, killed, "an executor killed at step 4");
        } finally {
            spark.stop();
        }
    }

    static List<float[]> train(JavaSparkContext sc, TrainConfig c, int partitions, long killAtStep) throws Exception {
        Rng g = Rng.torch(c.seed());
        Model m = TinyData.spec().build(g);
        List<float[]> steps = new ArrayList<>();
        AtomicLong killed = new AtomicLong();
        SparkTrainer t = new SparkTrainer(sc, m, c, g).addListener(new TrainListener() {
            @Override public void onStep(long step, int epoch, float loss, double lr) {
                steps.add(ModelState.values(NamedParam.of(m.network())));
                if (step == killAtStep) {
                    List<ProcessHandle> ex = executors(sc.sc().applicationId());
                    assertTrue(!ex.isEmpty(), "no executor to kill");
                    ex.getFirst().destroyForcibly();
                    killed.set(ex.getFirst().pid());
                }
            }
        });
        t.fit(DataSource.of(data.toString(), ImageSpec.of(1, 8, 8)), partitions);
        if (killAtStep > 0) assertTrue(killed.get() > 0);
        return steps;
    }

    static void assertSameEveryStep(List<float[]> expected, List<float[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": steps");
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), what + ": weights after step " + (i + 1));
    }
}
