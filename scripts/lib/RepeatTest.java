import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;

/** Runs one test class N times in one JVM (scripts/repeat-test.sh); exits 1 if any run failed. */
public class RepeatTest {
    public static void main(String[] args) throws Exception {
        Class<?> test = Class.forName(args[0]);
        int times = Integer.parseInt(args[1]);
        Launcher launcher = LauncherFactory.create();
        LauncherDiscoveryRequest request =
                LauncherDiscoveryRequestBuilder.request().selectors(selectClass(test)).build();
        long tests = 0, failedRuns = 0, skipped = 0;
        long start = System.nanoTime();
        for (int i = 1; i <= times; i++) {
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            launcher.execute(request, listener);
            TestExecutionSummary s = listener.getSummary();
            tests += s.getTestsSucceededCount() + s.getTestsFailedCount();
            skipped += s.getTestsSkippedCount() + s.getTestsAbortedCount();
            if (s.getTotalFailureCount() > 0 || s.getTestsFoundCount() == 0) {
                failedRuns++;
                System.out.printf("REPEAT run %d FAILED%n", i);
                s.printFailuresTo(new PrintWriter(System.out), 20);
            }
            if (i % 10 == 0 || i == times) {
                System.out.printf(
                        "REPEAT %s: %d of %d runs, %d failed, %d tests passed or failed, %d skipped, %.0f s%n",
                        test.getSimpleName(), i, times, failedRuns, tests, skipped,
                        (System.nanoTime() - start) / 1e9);
            }
        }
        System.exit(failedRuns == 0 ? 0 : 1);
    }
}
