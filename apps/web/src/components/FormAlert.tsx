import { Box } from '@mantine/core';
import { ProblemAlert } from './ProblemAlert.tsx';

/**
 * The live region above a form: screen readers announce a problem as it appears, and it takes no
 * room while empty. Field errors go on their inputs, so callers show this only for the rest.
 */
export function FormAlert(props: { error: unknown; show: boolean; title: string }) {
  return (
    <div aria-live="assertive" aria-atomic="true">
      {props.show && (
        <Box mb="md">
          <ProblemAlert error={props.error} title={props.title} />
        </Box>
      )}
    </div>
  );
}
