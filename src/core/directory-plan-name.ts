/**
 * How the directory plan is named on the command line and in output, as Exchange names its default
 * plan. A module of its own so that the program's definition (completion offers it) loads no plan code.
 */
export const DIRECTORY_PLAN_NAME = 'Default';
